from json import dumps

from django.core.management.base import BaseCommand, CommandError

from parcours.frameworks.models import Framework
from parcours.matching.services import EmptyQueryError, suggest


class Command(BaseCommand):
    help = "Suggest competencies of a framework for a French free text."

    def add_arguments(self, parser):
        parser.add_argument("text")
        parser.add_argument(
            "--framework", type=int, help="framework id (default: the latest school framework)"
        )
        parser.add_argument("--top", type=int, default=8)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, text: str, framework: int | None, top: int, json: bool, **options):
        queryset = Framework.objects.filter(kind="school")
        chosen = (
            queryset.filter(pk=framework).first()
            if framework
            else queryset.order_by("-academic_year", "-pk").first()
        )
        if chosen is None:
            raise CommandError(f"No framework {framework or ''} to match against.".replace("  ", " "))
        try:
            results = suggest(framework=chosen, text=text, top=top)
        except EmptyQueryError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(dumps([r.__dict__ for r in results], ensure_ascii=False, indent=2))
            return
        for rank, result in enumerate(results, 1):
            self.stdout.write(f"{rank:2}. {result.code:8} {result.statement}  ({result.score:.3f})")
            if result.reasons:
                self.stdout.write(f"      {result.reasons}")
