"""Import and export of frameworks: CSV, XLSX, 1EdTech CASE 1.0/1.1 JSON, and the ESCO skills file."""

from __future__ import annotations

from .case import export_case, export_case_bytes, parse_case
from .data import FrameworkData, FrameworkImportError, Problem
from .detect import detect_format
from .esco import parse_esco
from .plan import ImportPlan, apply_plan, build_plan, find_target
from .tabular import export_csv, export_xlsx, parse_csv, parse_xlsx, template_csv, template_xlsx
from .validation import validate

PARSERS = {"csv": parse_csv, "xlsx": parse_xlsx, "case": parse_case}


def read_file(raw: bytes, filename: str, declared_format: str | None = None) -> FrameworkData:
    """Parse and validate a framework file. Raise :class:`FrameworkImportError` (nothing written) on bad input."""
    try:
        file_format = detect_format(raw, filename, declared_format)
        data = PARSERS[file_format](raw, filename)
        validate(data)
    except FrameworkImportError as exc:
        raise exc.with_filename(filename) from None
    return data


def read_esco(raw: bytes, filename: str) -> FrameworkData:
    try:
        data = parse_esco(raw, filename)
        validate(data)
    except FrameworkImportError as exc:
        raise exc.with_filename(filename) from None
    return data


EXPORTERS = {
    "case": (export_case_bytes, "application/json", "json"),
    "csv": (export_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}

__all__ = [
    "EXPORTERS",
    "FrameworkData",
    "FrameworkImportError",
    "ImportPlan",
    "Problem",
    "apply_plan",
    "build_plan",
    "export_case",
    "find_target",
    "read_esco",
    "read_file",
    "template_csv",
    "template_xlsx",
]
