"""The command line as a whole, walked through Click's command tree: every option and argument has help
and a metavar in the user's words, every choice is the model's, every example survives a narrow
terminal, usage errors speak as ours do, and every command is under the guard."""

from __future__ import annotations

import json
import re
import shlex
import tomllib

import pytest
import typer.main

import routes
from cli import app
from conftest import ROOT
from routes import flows, model
from routes.errors import RoutesError, UsageError

ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = dict(ROOT_COMMAND.commands)
# (command name or "" for `arms-routes` itself, parameter) for every parameter a user can give
PARAMS = [(name, param) for name, command in [("", ROOT_COMMAND), *COMMANDS.items()]
          for param in command.params if param.name != "help"]
METAVAR = re.compile(r"[A-Z0-9][A-Z0-9-]*")


def _id(case) -> str:
    name, param = case
    return f"{name or 'arms-routes'}:{param.name}"


def _is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False))


def _choices(param) -> list[str] | None:
    """The values a parameter accepts when it is a choice (this Typer's own type, or Click's Choice)."""
    described = getattr(param, "type_descriptor", None)
    if described is not None:
        values = described.choices if described.is_choice else None
    else:
        values = getattr(param.type, "choices", None)
    return [str(getattr(v, "value", v)) for v in values] if values else None


def _required_args(command) -> list[str]:
    """The least a command needs to parse: "1" for every required argument and option (a number, a
    string and, in a folder holding a file named 1, an existing file)."""
    args = []
    for param in command.params:
        if param.required:
            value = (_choices(param) or ["1"])[0]
            args += [value] if param.param_type_name == "argument" else [param.opts[0], value]
    return args


@pytest.fixture
def data(write_dataset):
    return str(write_dataset())


@pytest.fixture
def in_a_folder_with_a_file_named_1(tmp_path, monkeypatch):
    (tmp_path / "1").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- help and metavars ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", PARAMS, ids=_id)
def test_every_option_and_argument_has_help(case):
    name, param = case
    assert (param.help or "").strip(), f"`arms-routes {name}` {param.opts[0]} has no help text"


@pytest.mark.parametrize("case", PARAMS, ids=_id)
def test_every_metavar_is_a_word_in_capitals(case):
    name, param = case
    if _is_flag(param):
        return
    assert param.metavar and METAVAR.fullmatch(param.metavar), \
        f"`arms-routes {name}` {param.opts[0]}: metavar {param.metavar!r} is not a word such as FILE or WEAPON"


@pytest.mark.parametrize("name", ["", *sorted(COMMANDS)])
def test_help_names_no_value_by_its_python_type(runner, name):
    """What --help lists on the left of each option and argument: `--weapon WEAPON`, never
    `<list[str]>`, `<str>` or `TEXT` where a word of the user's exists."""
    result = runner.invoke(app, [name, "--help"] if name else ["--help"], terminal_width=200)
    assert result.exit_code == 0
    sections = re.findall(r"^(?:Arguments|Options):\n((?:  .*\n?)+)", result.stdout, re.M)
    listed = [re.split(r"\s{2,}", line.strip())[0] for section in sections for line in section.splitlines()]
    assert listed and "--help" in listed
    for shown in listed:
        assert "<" not in shown and "list[" not in shown and "TEXT" not in shown.split(), \
            f"`arms-routes {name} --help` lists {shown!r}"
    command = COMMANDS.get(name, ROOT_COMMAND)
    for param in command.params:
        if param.param_type_name == "argument":
            assert param.metavar + ("..." if param.nargs != 1 else "") in listed


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_usage_line_names_arguments_by_their_metavar(runner, name):
    usage = runner.invoke(app, [name, "--help"]).stdout.splitlines()[0]
    assert usage.startswith(f"Usage: arms-routes {name} [OPTIONS]")
    assert "<" not in usage and "list[" not in usage and "_" not in usage, usage


def test_a_choice_shows_its_values_in_the_help(runner):
    help_text = " ".join(runner.invoke(app, ["add-place", "--help"]).stdout.split())
    assert f"What the place is: {', '.join(model.PLACE_KINDS[:-1])} or {model.PLACE_KINDS[-1]}." in help_text
    assert "--kind KIND" in help_text and "--precision PRECISION" in help_text


# -- every choice is the model's ------------------------------------------------------------------

def _model_values(command: str, param: str) -> tuple[str, ...]:
    if param.startswith("flow_"):  # (how documented trade is drawn: routes.flows' own vocabulary)
        return {"flow_width": tuple(flows.MEASURES), "flow_scale": flows.SCALES, "flow_curve": flows.CURVES}[param]
    if param == "kind":
        return {"add-source": model.SOURCE_KINDS, "add-place": model.PLACE_KINDS}.get(command, model.KINDS)
    return {
        "min_status": model.STATUSES, "status": model.STATUSES, "format": model.TEXT_FORMATS,
        "stance": model.STANCES, "source_kind": model.SOURCE_KINDS, "reliability": tuple(model.RELIABILITY),
        "source_reliability": tuple(model.RELIABILITY), "precision": tuple(model.PRECISIONS),
    }[param]


CHOICES = [(name, param) for name, param in PARAMS if _choices(param)]


def test_the_choices_found_are_the_ones_expected():
    found = {_id(case) for case in CHOICES}
    assert {"list:min_status", "list:kind", "show:format", "add:status", "add:stance", "add:source_kind",
            "add-source:reliability", "add-place:kind", "add-place:precision"} <= found


@pytest.mark.parametrize("case", CHOICES, ids=_id)
def test_a_choice_accepts_every_value_the_model_knows_and_nothing_else(runner, case, in_a_folder_with_a_file_named_1):
    name, param = case
    try:
        expected = _model_values(name, param.name)
    except KeyError:
        pytest.fail(f"`arms-routes {name}` {param.opts[0]} is a choice the model does not name: build it "
                    "from a tuple in routes.model")
    assert _choices(param) == list(expected)
    command = COMMANDS[name]
    base = [a for a in _required_args(command) if a not in param.opts]
    for value in expected:
        ctx = command.make_context(name, [*base, param.opts[0], value])
        given = ctx.params[param.name]
        given = given if isinstance(given, (list, tuple)) else [given]
        assert [str(getattr(v, "value", v)) for v in given] == [value]
    refused = runner.invoke(app, [name, *base, param.opts[0], "no-such-value"])
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: invalid value for {' / '.join(param.opts)}: 'no-such-value' is not one of "
                                     f"{', '.join(repr(v) for v in expected)}\n")


def test_the_place_kinds_are_the_schemas():
    schema = json.loads((ROOT / "routes" / "schema" / "transfers.schema.json").read_text(encoding="utf-8"))
    enums = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("kind"), dict) and "port" in node["kind"].get("enum", ()):
                enums.append(node["kind"]["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert enums and all(e == list(model.PLACE_KINDS) for e in enums)


# -- examples survive a narrow terminal ----------------------------------------------------------

def _example(command) -> list[str]:
    """The example of a command's help: the lines after "Example:" in its `\\b` (unwrapped) paragraph."""
    lines = [line.strip() for line in (command.help or "").splitlines()]
    assert "Example:" in lines, "the help has no Example:"
    at = lines.index("Example:")
    assert lines[at - 1] == "\b", "the example is not marked \\b, so Click re-wraps it"
    example = []
    for line in lines[at + 1:]:
        if not line:
            break
        example.append(line)
    return example


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_example_is_printed_whole_at_a_narrow_width(runner, name):
    example = _example(COMMANDS[name])
    result = runner.invoke(app, [name, "--help"], terminal_width=60)
    assert result.exit_code == 0
    printed = [line.strip() for line in result.stdout.splitlines()]
    for line in example:
        assert line in printed, f"`arms-routes {name} --help` at 60 columns breaks the example line {line!r}"
    assert all(line.endswith(" \\") for line in example[:-1]) and not example[-1].endswith("\\"), \
        "an example over several lines continues each line with a backslash, to paste into a shell"
    wide = [line for line in example if len(line) > 80 - 6]
    assert not wide, f"an example line wider than an 80-column terminal shows it: {wide}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_example_is_a_command_line_that_parses(name, tmp_path, monkeypatch):
    words = shlex.split(" ".join(line.removesuffix("\\") for line in _example(COMMANDS[name])))
    assert words[:2] == ["arms-routes", name]
    command = COMMANDS[name]
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    assert [w for w in words[2:] if w.startswith("-") and w not in known] == []
    monkeypatch.chdir(tmp_path)
    for word in words[2:]:  # the files it names, so an option that wants an existing file finds one
        if re.fullmatch(r"[\w./-]+\.(geojson|csv|json)", word):
            (tmp_path / word).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / word).touch()
    command.make_context(name, words[2:])


# -- --version -------------------------------------------------------------------------------------

def test_version_prints_the_package_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"arms-routes {routes.__version__}\n"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert routes.__version__ == project["version"]


# -- one voice for errors -------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "first_line"), [
    (["list", "--colour", "red"], "error: no such option: --colour"),
    (["list", "--weapn", "F-7"], "error: no such option: --weapn; did you mean: --weapon?"),
    (["list", "--min-status", "sure"],
     "error: invalid value for --min-status: 'sure' is not one of 'alleged', 'reported', 'corroborated', 'confirmed'"),
    (["list", "--since", "soon"], "error: invalid value for --since: "),
    (["export"], "error: missing option --output / -o"),
    (["show"], "error: missing argument 'ROUTE-ID'"),
    (["lst"], "error: no such command 'lst'; did you mean 'list'?"),
])
def test_a_usage_error_is_one_line_in_our_voice_and_exit_2(runner, args, first_line):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(first_line), lines[0]
    command = f"arms-routes {args[0]}" if args[0] in COMMANDS else "arms-routes"
    assert lines[1:] == [f"see '{command} --help'"]
    assert "Error" not in result.stderr and "Usage:" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("order", [["--since", "2020", "--until", "2010"], ["--until", "2010", "--since", "2020"]])
@pytest.mark.parametrize("name", ["list", "render", "export", "report"])
def test_since_after_until_is_a_usage_error_naming_both_options(runner, data, name, order):
    result = runner.invoke(app, [name, "-d", data, *order, "-o", "out.html"] if name != "list" else
                           [name, "-d", data, *order])
    assert result.exit_code == 2
    first, *rest = result.stderr.splitlines()
    assert first.startswith("error: invalid value for --since / --until: ") and "2020" in first and "2010" in first
    assert rest == [f"see 'arms-routes {name} --help'"]


def test_a_year_out_of_range_names_its_option(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--until", "1200"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid value for --until: ") and "1200" in result.stderr


def test_a_command_with_nothing_given_prints_help_not_an_error(runner):
    result = runner.invoke(app, [])
    assert "Usage: arms-routes" in result.output and "error" not in result.output


# -- every command is under the guard -------------------------------------------------------------

def _under(info, error):
    """Make the command's own function (what the guard wraps) raise `error` for one invocation."""
    guarded = info.callback
    inner = getattr(guarded, "__wrapped__", None)
    cells = [c for c in guarded.__closure__ or () if inner is not None and c.cell_contents is inner]
    assert cells, f"`arms-routes {info.name or guarded.__name__}` is not registered with @command(): no guard"

    def fails(*args, **kwargs):
        raise error

    class Swap:
        def __enter__(self):
            cells[0].cell_contents = fails

        def __exit__(self, *exc):
            cells[0].cell_contents = inner

    return Swap()


def _name(info) -> str:
    return info.name or info.callback.__name__.replace("_", "-")


@pytest.mark.parametrize("info", app.registered_commands, ids=_name)
@pytest.mark.parametrize(("error", "code"), [
    (RoutesError("the file is not a dataset", path="x.geojson", route_id="r1", field="period"), 1),
    (UsageError("unknown weapon system 'AK-74'", suggestions=["AK-47"]), 2),
])
def test_a_library_error_in_any_command_is_one_line_never_a_traceback(runner, info, error, code,
                                                                      in_a_folder_with_a_file_named_1):
    name = _name(info)
    with _under(info, error):
        result = runner.invoke(app, [name, *_required_args(COMMANDS[name])])
    assert result.exit_code == code, result.output
    assert result.stderr == f"error: {error}\n"
    assert "Traceback" not in result.output and result.stdout == ""
