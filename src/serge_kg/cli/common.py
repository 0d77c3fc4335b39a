"""What every ``serge-kg`` sub-command shares: error handling with the documented exit codes, paths, progress."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from serge_kg.errors import RecordErrors, SergeKGError
from serge_kg.paths import Paths, find_root

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CODES = "Exit codes: 0 ok, 1 data does not conform, 2 input or tool error."


def echo_err(msg: str) -> None:
    click.echo(msg, err=True)


def handle_errors(fn: F) -> F:
    """Map library errors to a message on stderr and the documented exit code."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RecordErrors as exc:
            echo_err(f"error: {len(exc.errors)} problem(s) in the records:")
            for e in exc.errors:
                echo_err(f"  {e}")
            sys.exit(exc.exit_code)
        except SergeKGError as exc:
            echo_err(f"error: {exc}")
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader stopped early (`serge-kg ... | head`): not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # never a bare traceback: say what broke and how to see more
            if os.environ.get("SERGE_KG_DEBUG"):
                raise
            echo_err(f"error: unexpected {type(exc).__name__}: {exc} (set SERGE_KG_DEBUG=1 to see the traceback)")
            sys.exit(2)
    return wrapper  # type: ignore[return-value]


def project_paths(ctx: click.Context) -> Paths:
    """The project of ``--root`` (or the one around the current folder).

    :raises ProjectNotFoundError: if there is none; call it inside a ``handle_errors`` command.
    """
    return Paths(find_root(ctx.obj["root"]))


def progress_printer(quiet: bool) -> Callable[[str], None]:
    def say(stage: str) -> None:
        if not quiet:
            click.echo(f"… {stage}", err=True)
    return say




class SuggestingChoice(click.Choice):
    """A choice whose error also says "did you mean ...?" with the nearest allowed values."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        near = difflib.get_close_matches(str(value).lower(), [str(c) for c in self.choices], n=2, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        return super().get_invalid_choice_message(value, ctx) + hint
