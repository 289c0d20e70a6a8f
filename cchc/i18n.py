"""The command line's own words — usage, options, help, usage errors — in Vietnamese like the rest of cchc.
Typer's built-in click writes them in English without a translation catalogue, so the help formatter
(click's ``Context.formatter_class``, its extension point for this) and the rendering of usage errors say
them here, from one table."""

from __future__ import annotations

import re

# English phrase (a regular expression) → Vietnamese; applied in order to help pages and usage errors.
PHRASES: tuple[tuple[str, str], ...] = (
    (r"Show this message and exit\.", "Xem hướng dẫn này rồi thoát."),
    (r"\[default: ([^\]]*)\]", r"[mặc định: \1]"),
    (r"\[required\]", "[bắt buộc]"),
    (r"\[env var: ([^\]]*)\]", r"[biến môi trường: \1]"),
    (r"No such command '([^']*)'\.", r"Không có lệnh «\1»."),
    (r"No such option: (\S+)", r"Không có tùy chọn \1"),
    (r"\(Possible options: ([^)]*)\)", r"(có thể là: \1)"),
    (r"Did you mean ([^?]*)\?", r"Có phải \1?"),
    (r"Missing command\.", "Thiếu lệnh."),
    (r"Missing option '([^']*)'\.", r"Thiếu tùy chọn «\1»."),
    (r"Missing argument '([^']*)'\.", r"Thiếu tham số «\1»."),
    (r"Missing parameter: (\S+)", r"Thiếu tham số \1"),
    (r"Got unexpected extra arguments? \(([^)]*)\)", r"Thừa tham số (\1)"),
    (r"Option '([^']*)' requires an argument\.", r"Tùy chọn «\1» cần một giá trị."),
    (r"Option '([^']*)' does not take a value\.", r"Tùy chọn «\1» không nhận giá trị."),
    (r"Input should be a valid integer(, unable to parse string as an integer)?", "cần một số nguyên"),
    (r"Input should be a valid number(, unable to parse string as a number)?", "cần một số"),
    (r"Input should be a valid boolean(, unable to interpret input)?", "cần có hoặc không"),
    (r"Input should be greater than or equal to (\S+)", r"phải từ \1 trở lên"),
    (r"Input should be less than or equal to (\S+)", r"phải không quá \1"),
    (r"Input should be greater than (\S+)", r"phải lớn hơn \1"),
    (r"'([^']*)' is not a valid integer\.", r"«\1» không phải số nguyên."),
    (r"'([^']*)' is not a valid float\.", r"«\1» không phải số."),
    (r"'([^']*)' is not a valid boolean\.", r"«\1» không phải có/không."),
    (r"(\S+) is not in the range ([^.]*)\.", r"\1 nằm ngoài khoảng \2."),
    (r"'([^']*)' is not one of (.*)\.", r"«\1» không thuộc \2."),
    (r"Invalid value for ('[^']*'|[^:]*): ", r"Giá trị không hợp lệ của \1: "),
    (r"Invalid value: ", "Giá trị không hợp lệ: "),
    (r"Aborted!", "Đã dừng."),
)
HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Tham số"}
_COMPILED = tuple((re.compile(p), r) for p, r in PHRASES)


def say(text: str) -> str:
    """``text`` with every known English phrase of the command line said in Vietnamese."""
    for pattern, words in _COMPILED:
        text = pattern.sub(words, text)
    return text


def install() -> None:
    """Use the Vietnamese help formatter for every command."""
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter

    class VietnameseHelp(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(HEADINGS.get(heading, heading))

        def write_dl(self, rows, *args, **kwargs) -> None:
            super().write_dl([(say(a), say(b)) for a, b in rows], *args, **kwargs)

    Context.formatter_class = VietnameseHelp


def usage_error(e) -> str:
    """A usage error as the user reads it: the usage line, where to find help, and what was wrong."""
    lines = []
    ctx = getattr(e, "ctx", None)
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"Xem «{ctx.command_path} {ctx.help_option_names[0]}» để biết cách dùng.")
    lines.append(f"Lỗi: {say(e.format_message())}")
    return "\n".join(lines)
