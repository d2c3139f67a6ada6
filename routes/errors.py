"""The exceptions of the library. Each names where the problem is: file, route id, field.

The CLI turns `UsageError` into exit code 2 and every other `RoutesError` into exit code 1.
"""

from __future__ import annotations

from pathlib import Path

from .text import plural


class RoutesError(Exception):
    """A problem a user can cause and fix, with where it is."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        route_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.route_id = route_id
        self.field = field

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(f"{self.path}:{self.line}" if self.line else str(self.path))
        if self.route_id:
            where.append(self.route_id)
        if self.field:
            where.append(self.field)
        return ": ".join([*where, self.message])


class UsageError(RoutesError):
    """A wrong option value: an unknown weapon, place, route id or category."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None, **kwargs) -> None:
        self.suggestions = suggestions or []
        if self.suggestions:
            message = f"{message}; did you mean: {', '.join(self.suggestions)}?"
        super().__init__(message, **kwargs)


class UnknownWeapon(UsageError):
    """A weapon name that matches no weapon system in the taxonomy."""


class UnknownPlace(UsageError):
    """A place name that matches no place in the gazetteer, or several."""


class DataFileError(RoutesError):
    """A file that cannot be read as a dataset at all (missing, binary, not JSON, too large)."""


class InvalidDataset(RoutesError):
    """A dataset with validation errors; `problems` holds every one of them."""

    def __init__(self, problems: list, path: Path | None = None) -> None:
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        tail = f" (and {plural(more, 'more problem')}; run `arms-routes validate {first.path}`)" if more else ""
        super().__init__(f"{first}{tail}", path=path or first.path)

    def __str__(self) -> str:  # the message already carries the location
        return self.message


class NoRoutesMatch(RoutesError):
    """A selection that matched no route."""


class WriteConflict(RoutesError):
    """A file changed on disk since it was read; it is not overwritten blindly."""
