"""Problems, exceptions and exit codes: the one place that maps failures to codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the `campaign` command."""

    OK = 0
    ERROR = 1  # a runtime failure (I/O, network, a platform refusing)
    INVALID = 2  # the campaign or an input file is invalid
    NOT_FOUND = 3  # a lookup (municipality, message, row) found nothing


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, with its place."""

    file: str
    line: int  # 1-based; 0 when the whole file is meant
    column: int  # 1-based; 0 when the whole file is meant
    path: str  # key path such as ``figures[3].value``; "" for the whole file
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}: {self.severity}:{key} {self.message}"


class CampaignError(Exception):
    """Base of every error the library raises on purpose; carries an exit code."""

    exit_code: ExitCode = ExitCode.ERROR


class CampaignInvalid(CampaignError):
    """The campaign (or another input file) has errors; all of them are listed."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"{errors} error(s) found")


class NotFound(CampaignError):
    """A lookup found nothing; the message says what was tried and suggests."""

    exit_code = ExitCode.NOT_FOUND


@dataclass
class Report:
    """Problems collected while validating; errors and warnings apart."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
