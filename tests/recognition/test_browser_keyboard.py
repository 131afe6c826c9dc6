"""The recognition journey with the keyboard only (RGAA themes 7 "scripts", 10 "presentation", 12 "navigation").

The same journey as test_browser_journey.py, but nobody clicks: every control is reached with Tab / Shift+Tab
and used with Enter, Space, the arrow keys and typed text, as someone who cannot use a mouse does. Only the
site's address is typed in, as in the address bar; the evidence file is picked in the file chooser that Space
opens on the file input. Along the way the test checks what such a user depends on: the skip link is the
first tab stop and takes the focus to the main content; the focused control is visibly outlined; drop-down
menus open with Enter and close with Escape; Tab always leaves a widget and goes round each page, where every
control has a name; every form submission ends on a page whose title, heading or message says what happened.
When a step could not be done this way, the page was fixed, not the test.
"""

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from parcours.documents.models import Document
from parcours.recognition.models import RecognitionRequest
from tests.factories import PASSWORD
from tests.portfolio.test_uploads import pdf_bytes
from tests.recognition.factories import november_jury

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The focused element as a keyboard and screen-reader user meets it. Its name comes from aria-label,
#: aria-labelledby, its <label> (without the DSFR hint and the required-field mark) or its text. Its focus is
#: visible when the browser applies :focus-visible and an outline is drawn on it, on its ::before/::after
#: (DSFR's enlarged links) or on its label's ::before (DSFR checkboxes and radios). A box-shadow alone does
#: not count: the DSFR draws the borders of inputs and secondary buttons with one, focused or not. When the
#: focus is inside the element (a frame's content, the calendar button of a date field), what has it is out
#: of the page's reach and draws its own focus ring.
FOCUS_JS = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const text = (node) => (node ? node.innerText || node.textContent || "" : "");
  let name = el.getAttribute("aria-label") || "";
  if (!name && el.getAttribute("aria-labelledby")) {
    name = el.getAttribute("aria-labelledby").split(/\s+/).map((id) => text(document.getElementById(id))).join(" ");
  }
  if (!name && el.labels && el.labels.length) {
    name = Array.from(el.labels).map((label) => {
      const copy = label.cloneNode(true);
      copy.querySelectorAll(".fr-hint-text").forEach((hint) => hint.remove());
      return copy.textContent;
    }).join(" ").replace(/\s*\*\s*$/, "");
  }
  if (!name && !["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) name = text(el);
  if (!name) name = el.getAttribute("title") || el.getAttribute("placeholder") || "";
  const outlined = (node, pseudo) => {
    const style = getComputedStyle(node, pseudo);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  };
  const drawn = [[el, null], [el, "::before"], [el, "::after"]];
  if (el.labels && ["checkbox", "radio"].includes(el.type)) Array.from(el.labels).forEach((l) => drawn.push([l, "::before"]));
  let value = el.type === "password" ? "" : el.value || "";
  if (el.tagName === "SELECT") value = el.selectedOptions.length ? el.selectedOptions[0].text : "";
  return {
    tag: el.tagName.toLowerCase(), type: el.getAttribute("type") || "", id: el.id,
    name: name.replace(/\s+/g, " ").trim(),
    visible: el.matches(":focus-visible") && drawn.some(([node, pseudo]) => outlined(node, pseudo)),
    inner: el.tagName === "IFRAME" || !el.matches(":focus"),
    in_main: !!el.closest("main"), value: value.trim(), checked: !!el.checked,
    expanded: el.getAttribute("aria-expanded") || "", walk_start: el === window.walkStart,
  };
}"""

SKIP_LINK = "Contenu"


@dataclass(frozen=True)
class Focus:
    tag: str
    type: str
    id: str
    name: str
    visible: bool
    inner: bool  # the focus is inside the element: a frame's content, a date field's calendar button
    in_main: bool
    value: str
    checked: bool
    expanded: str
    walk_start: bool  # where walk_round() started

    def __str__(self) -> str:
        kind = f"{self.tag}[type={self.type}]" if self.type else self.tag
        return f"{kind}{'#' + self.id if self.id else ''} {self.name!r}"


def focused(page) -> Focus | None:
    info = page.evaluate(FOCUS_JS)
    return Focus(**info) if info else None


def _matches(focus: Focus | None, target) -> bool:
    if focus is None:
        return False
    if callable(target):
        return target(focus)
    if isinstance(target, re.Pattern):
        return bool(target.search(focus.name))
    return focus.name == target


def tab_to(page, target, *, max_presses: int = 40, backwards: bool = False) -> Focus:
    """Press Tab (Shift+Tab) until the focused element's accessible name is ``target`` (a string, a compiled
    pattern or a predicate on ``Focus``; the current focus counts), then check that its focus is visible.
    Fails listing every element that got the focus on the way."""
    focus = focused(page)
    stops = []
    while not _matches(focus, target):
        if len(stops) == max_presses:
            pytest.fail(
                f"{target!r} not reached after {max_presses} presses of {'Shift+' if backwards else ''}Tab;"
                " the focus went to:\n  " + "\n  ".join(stops)
            )
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = focused(page)
        stops.append(str(focus) if focus else "(the document itself)")
    assert focus.visible, f"the focus on {focus} is not visible (no :focus-visible outline)"
    return focus


def walk_round(page, *, max_presses: int = 100) -> None:
    """Tab from the focused element all round the page until it has the focus again: no widget keeps the
    focus, and every element on the way has a name and shows where the focus is (unless the focus is inside
    it: the controls of the browser's PDF viewer in a frame, the calendar button of a date field)."""
    page.evaluate("window.walkStart = document.activeElement")
    stops = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        focus = focused(page)
        if focus is not None and focus.walk_start:
            elements = [f for f in stops if f is not None]
            nameless = [str(f) for f in elements if not f.name]
            assert not nameless, "no accessible name: " + ", ".join(nameless)
            invisible = [str(f) for f in elements if not f.inner and not f.visible]
            assert not invisible, "focus not visible on: " + ", ".join(invisible)
            assert any(f.name == SKIP_LINK for f in elements), "Tab did not go through the top of the page"
            return
        stops.append(focus)
    pytest.fail(
        f"Tab did not come back round after {max_presses} presses (a keyboard trap?); the last stops:\n  "
        + "\n  ".join(str(f) for f in stops[-15:])
    )


def choose(page, option: str, *, max_presses: int = 30) -> None:
    """In the focused (closed) <select>, move with Home and the arrow keys to ``option``."""
    page.keyboard.press("Home")
    for _ in range(max_presses):
        if focused(page).value == option:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"option {option!r} not reached with the arrow keys; the list shows {focused(page).value!r}")


def type_date(page, day: datetime.date) -> None:
    """Type a date into the focused <input type=date>. Chromium orders its segments by the browser's own
    locale (month/day/year in the default en-US, day/month/year in French): a date whose day and month are
    equal is typed the same way in both."""
    assert day.day == day.month
    page.keyboard.type(day.strftime("%d%m%Y"))
    assert focused(page).value == day.isoformat()


def press_and_load(page, key: str = "Enter") -> str:
    """Press a key that submits a form or follows a link; return what the new page tells the user: its title,
    its heading and its messages (DSFR alerts, role=alert)."""
    with page.expect_navigation():
        page.keyboard.press(key)
    alerts = " ".join(page.locator("[role=alert]").all_inner_texts())
    return f"{page.title()} | {page.locator('h1').first.inner_text()} | {alerts}"


def activate(page, target, **tabbing) -> str:
    """Tab to a link or a submit button, press Enter and return what the new page says."""
    tab_to(page, target, **tabbing)
    return press_and_load(page)


def skip_to_content(page) -> None:
    """On a page just loaded, the first tab stop is the skip link; Enter takes the focus into <main>."""
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip.name == SKIP_LINK, f"first tab stop: {skip}"
    assert skip.visible, "the skip link does not show its focus"
    page.keyboard.press("Enter")
    landing = focused(page)
    assert landing is not None and landing.tag == "main", f"after the skip link, the focus is on {landing}"


def press_in_menu(page, key: str) -> None:
    """Press a key in the navigation and let the page draw two frames, as it does between the key presses
    of a person: the DSFR's menus react to keys on the next animation frame."""
    page.keyboard.press(key)
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def expect_menu(page, button: str, expanded: bool) -> None:
    """The menu button has the focus and says whether its menu is open; the menu is shown or folded away
    (the DSFR unfolds it in 0.3 s)."""
    assert focused(page).name == button, f"the focus is on {focused(page)}, not on the menu button {button!r}"
    expect(page.locator(":focus")).to_have_attribute("aria-expanded", "true" if expanded else "false")
    menu = page.evaluate("document.activeElement.getAttribute('aria-controls')")
    page.locator(f"#{menu}").wait_for(state="visible" if expanded else "hidden")


def open_menu(page, group: str, entry: str) -> str:
    """Open a drop-down of the main navigation with Enter and follow one of its links."""
    tab_to(page, group, backwards=True)
    expect_menu(page, group, expanded=False)
    press_in_menu(page, "Enter")
    expect_menu(page, group, expanded=True)
    return activate(page, entry, max_presses=8)


def log_in(page, user) -> None:
    """From the public pages, follow the header's "log in" link and log in."""
    assert "Se connecter" in activate(page, "Se connecter")
    tab_to(page, "Adresse électronique")  # autofocused: no key press needed
    page.keyboard.type(user.email)
    tab_to(page, "Mot de passe")
    page.keyboard.type(PASSWORD)
    assert "Tableau de bord" in press_and_load(page)
    skip_to_content(page)


def log_out(page) -> None:
    """Right after a page has loaded: the header's "log out" button comes a few Tab presses in."""
    activate(page, "Se déconnecter", max_presses=10)
    assert page.get_by_role("banner").get_by_role("link", name="Se connecter").is_visible()


def open_from_queue(page, user, request) -> None:
    """Log in, open the review queue from the menu and the request from its reference."""
    log_in(page, user)
    assert "Demandes à instruire" in open_menu(page, "Reconnaissance", "Demandes à instruire")
    skip_to_content(page)
    assert request.title in activate(page, request.reference)
    skip_to_content(page)


def test_recognition_journey_with_the_keyboard_only(live_server, page, world, tmp_path):
    student, engineer, director = world["student"], world["engineer"], world["director"]
    target = world["competencies"][2]  # not proposed by the PMI rule: it comes from the suggestion
    mastery = world["levels"][2]
    session = november_jury(world)

    # The reservist logs in (the skip link is checked on every page reached from now on).
    page.goto(live_server.url)  # the address typed in the address bar
    log_in(page, student)
    page.keyboard.press("Tab")
    assert focused(page).in_main

    # A drop-down menu opens with Enter, closes with Escape (the focus goes back to its button) and, closed,
    # is passed over by Tab.
    menu = "Mon parcours de réserviste"
    tab_to(page, menu, backwards=True)
    press_in_menu(page, "Enter")
    expect_menu(page, menu, expanded=True)
    press_in_menu(page, "Tab")
    assert focused(page).name == "Mon portfolio"
    press_in_menu(page, "Escape")
    expect_menu(page, menu, expanded=False)
    press_in_menu(page, "Tab")
    after = focused(page)
    assert after.name not in page.locator("#nav-reservist a").all_inner_texts(), f"Tab went into it: {after}"
    assert "Mon portfolio" in open_menu(page, menu, "Mon portfolio")
    skip_to_content(page)

    # The reservist declares a period and keeps a competency suggested from the description.
    assert "Déclarer une période" in activate(page, "Déclarer une période")
    skip_to_content(page)
    tab_to(page, "Type d'activité")
    choose(page, world["pmi"].name_fr)
    tab_to(page, "Titre")
    page.keyboard.type("Exercice de gestion de crise")
    tab_to(page, "Date de début")
    type_date(page, datetime.date(2026, 8, 8))
    tab_to(page, "Date de fin")
    type_date(page, datetime.date(2026, 9, 9))
    tab_to(page, "Jours d'activité")
    page.keyboard.type("5")
    tab_to(page, "Pourquoi le nombre de jours diffère des dates")
    page.keyboard.type("Cinq jours d'exercice répartis sur le mois")
    tab_to(page, "Description")
    page.keyboard.type(target.statement_fr + " pendant un exercice de protection")
    page.locator(".parcours-suggestion", has_text=target.statement_fr).wait_for()
    tab_to(page, f"Retenir : {target.statement_fr}")
    page.keyboard.press("Enter")
    kept = focused(page)  # the focus stays on the button, which now says the suggestion is kept
    assert kept is not None, "keeping the suggestion lost the focus"
    assert kept.name == f"Retenue : {target.statement_fr}", kept
    walk_round(page)
    announced = activate(page, "Enregistrer")
    assert "Exercice de gestion de crise" in announced and "La période est enregistrée" in announced
    assert page.get_by_role("cell", name=str(target), exact=True).is_visible()
    skip_to_content(page)

    # The attestation is picked in the file chooser that Space opens on the file input. (The chooser is
    # listened for before the key press: Playwright subscribes to the event without waiting.)
    evidence = tmp_path / "attestation.pdf"
    evidence.write_bytes(pdf_bytes())
    page.once("filechooser", lambda chooser: chooser.set_files(str(evidence)))
    tab_to(page, "Fichier")
    page.keyboard.press("Space")
    expect(page.locator(":focus")).to_have_value(re.compile(r"attestation\.pdf$"))
    assert "Le fichier est ajouté" in activate(page, "Ajouter le fichier")
    assert page.get_by_role("link", name="attestation.pdf").is_visible()
    skip_to_content(page)

    # The kept competency gets the reservist's own level and account.
    tab_to(page, f"Retenir : {target.statement_fr}")
    page.keyboard.press("Enter")
    assert tab_to(page, "Compétence").value == str(target)
    tab_to(page, "Mon niveau")
    choose(page, str(mastery))
    tab_to(page, "Récit")
    page.keyboard.type("J'ai coordonné la cellule de crise pendant l'exercice.")
    walk_round(page)
    assert "La compétence est ajoutée à la période" in activate(page, "Ajouter la compétence")
    assert page.get_by_role("cell", name=mastery.label_fr).is_visible()
    skip_to_content(page)

    # The reservist asks for recognition and submits the request.
    assert "Nouvelle demande de reconnaissance" in activate(page, "Demander une reconnaissance")
    skip_to_content(page)
    tab_to(page, "Titre")
    page.keyboard.type("Exercice de crise")
    assert tab_to(page, re.compile("^Exercice de gestion de crise")).checked  # the period it came from
    announced = activate(page, "Enregistrer le brouillon")
    assert "Exercice de crise" in announced and "enregistrée comme brouillon" in announced
    request = RecognitionRequest.objects.get(holder=student)
    skip_to_content(page)
    assert "la demande est maintenant « Déposée »" in activate(page, "Déposer")
    log_out(page)

    # The pedagogical engineer finds it in the review queue, reviews it and sends it to the jury.
    open_from_queue(page, engineer, request)
    assert "maintenant « En cours d'instruction »" in activate(page, "Commencer l'instruction")
    skip_to_content(page)
    tab_to(page, "session de jury")
    choose(page, str(session))
    walk_round(page)  # the page shows the evidence PDF in a frame: Tab goes through it and out
    assert "maintenant « Devant le jury »" in activate(page, "Transmettre au jury")
    log_out(page)

    # The director prepares the decision, adds the claimed competency at the reservist's level and signs.
    open_from_queue(page, director, request)
    assert "Décision" in activate(page, "Préparer la décision")
    skip_to_content(page)
    assert not tab_to(page, str(target)).checked
    page.keyboard.press("Space")
    assert focused(page).checked
    assert tab_to(page, f"Niveau : {target}").value == str(mastery)  # each row's fields name their row
    walk_round(page)
    assert "La décision est signée" in activate(page, "Signer la décision")
    log_out(page)

    # The reservist downloads the attestation and opens its verification page.
    log_in(page, student)
    assert "Mes demandes de reconnaissance" in open_menu(page, "Mon parcours de réserviste", "Mes demandes")
    skip_to_content(page)
    assert request.title in activate(page, request.reference)
    skip_to_content(page)
    # Several documents are listed, each with the same two links: their names say which document they serve.
    attestation = Document.objects.get(kind="recognition_attestation", language="fr")
    link_end = re.escape(f" — {attestation.kind_name} — {attestation.reference}, ")
    tab_to(page, re.compile(r"^Télécharger \(PDF\)" + link_end))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert target.statement_fr in text and mastery.label_fr in text
    assert world["competencies"][0].statement_fr in text  # proposed by the approved rule
    activate(page, re.compile("^Page de vérification" + link_end))
    assert page.get_by_text(student.get_full_name()).first.is_visible()
    assert "pas authentique" not in page.content()


def test_a_form_sent_back_with_errors_puts_the_focus_on_the_first_field_in_error(live_server, page, world):
    """RGAA 11.10: after a refused submission the keyboard user lands on what must be corrected."""
    page.goto(live_server.url)
    log_in(page, world["student"])
    page.goto(live_server.url + "/portfolio/periods/new/")
    skip_to_content(page)
    tab_to(page, "Titre")
    page.keyboard.type("Exercice de gestion de crise")
    announced = activate(page, "Enregistrer")
    assert announced.startswith("Erreur – "), announced
    first_error = page.locator("main [class*='-group--error']").first
    expect(first_error).to_be_visible()
    focus = focused(page)
    assert focus is not None and focus.name == "Type d'activité", focus
    assert page.evaluate("() => document.activeElement.closest(\"[class*='-group--error']\") !== null")
    # The title typed in is kept, and the field in error says why.
    assert page.get_by_label("Titre").input_value() == "Exercice de gestion de crise"
