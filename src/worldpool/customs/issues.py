"""Validation findings: each names the field, the rule and the rule's source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

__all__ = ["Issue", "Severity", "ValidationReport"]


class Severity(StrEnum):
    """How bad a finding is."""

    ERROR = "error"
    """Blocks the documents (no PDF unless forced)."""
    WARNING = "warning"
    """Worth a look; does not block."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about a shipment document."""

    severity: Severity
    """Error or warning."""
    field: str
    """Dotted path of the field, e.g. ``lines[2].hs_code``."""
    message: str
    """What is wrong and what to do."""
    rule: str
    """Rule id (from the rule files, or a built-in check name)."""
    source: str
    """Where the rule comes from (URL, regulation or data file)."""
    value: str = ""
    """The offending value, as text (empty when missing)."""

    def line(self) -> str:
        """Return the issue as one line of text for terminals and logs."""
        got = f" (got {self.value!r})" if self.value else ""
        where = f"[{self.rule}; {self.source}]"
        return f"{self.severity}: {self.field}: {self.message}{got} {where}"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """All findings for one shipment against one destination's rules."""

    shipment: str
    """Shipment id (or the file name when the id is missing)."""
    destination: str
    """Marketplace id the rules were taken for."""
    tax_scheme: str
    """Tax treatment that applies (``IOSS``, ``UK-POS``, ``import VAT`` ...)."""
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    """Findings, errors first."""

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The blocking findings."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The non-blocking findings."""
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the documents."""
        return not self.errors

    def summary(self) -> str:
        """Return a short text report (what the CLI prints)."""
        head = (
            f"shipment {self.shipment} -> {self.destination}: "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s); "
            f"tax: {self.tax_scheme}"
        )
        return "\n".join([head, *(i.line() for i in self.issues)])

    def to_dict(self) -> dict[str, object]:
        """Return the report as plain data (what JSON output and the API return)."""
        return {
            "shipment": self.shipment,
            "destination": self.destination,
            "tax_scheme": self.tax_scheme,
            "ok": self.ok,
            "issues": [asdict(i) | {"severity": str(i.severity)} for i in self.issues],
        }
