"""The Python API: what `import routes` offers a notebook or a script (see docs/python.md).

    >>> import routes
    >>> data = routes.load()                              # the bundled dataset
    >>> f7 = data.select(weapon="F-7")                    # the CLI's filters, by name
    >>> f7.description
    'weapon F-7'

The CLI calls the same functions, so a selection made here and `arms-routes list` with the same
options give the same routes, described in the same words.
"""

from __future__ import annotations

from pathlib import Path

from .dataset import Dataset, load_dataset


def load(*paths: str | Path, remember: bool = False) -> Dataset:
    """Load and validate dataset files (the bundled dataset when none is given), merged into one.

    Parameters
    ----------
    *paths : str or Path
        GeoJSON dataset files; several merge, as ``arms-routes -d a.geojson -d b.geojson`` does.
    remember : bool, default False
        Record a file that passes in the user's cache, as the CLI does, so that the next load only
        parses it. Off by default: loading from Python writes nothing unless asked.

    Returns
    -------
    Dataset
        Its routes, sources, weapon systems and places; ``len()`` is the number of routes.

    Raises
    ------
    routes.InvalidDataset
        With every problem of the first invalid file (each names the file, line, route id and field).
    routes.RoutesError
        For a file that cannot be read, or two files that define one route id.

    Examples
    --------
    >>> import routes
    >>> data = routes.load()
    >>> len(data) > 0
    True
    """
    return load_dataset([Path(p) for p in paths] or None, remember=remember)


def check(*paths: str | Path, remember: bool = False):
    """Check dataset files as `arms-routes validate` does, without raising.

    Parameters
    ----------
    *paths : str or Path
        Dataset files, each checked on its own (default: the bundled dataset).
    remember : bool, default False
        Record the files that pass in the user's cache, as the CLI does.

    Returns
    -------
    routes.validate.Validation
        ``.ok()`` says whether every file passed (``.ok(strict=True)``: with no warning either),
        ``.problems()`` lists each problem (``str()`` of one is the line the CLI prints:
        PATH:LINE: ROUTE-ID: FIELD: message), ``.summary()`` the CLI's last line.

    Examples
    --------
    >>> import routes
    >>> routes.check().ok()
    True
    """
    from .validate import validate_files

    return validate_files([Path(p) for p in paths] or None, remember=remember)
