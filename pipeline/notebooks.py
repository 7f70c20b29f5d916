"""Running the parameterized notebooks with papermill, the way an analyst would.

The kernel is always named explicitly, parameters are checked against the notebook's declared
ones before a kernel starts, and a failure names the notebook and the failing cell (in Chinese).
The executed notebook is written atomically: a failed run leaves the previous one in place.
"""

from __future__ import annotations

from pathlib import Path

KERNEL = "python3"


NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


class NotebookError(Exception):
    """A notebook could not run; the message (Chinese) names the notebook and the cell."""


def notebook_path(name: str) -> Path:
    return NOTEBOOKS_DIR / name


def declared_parameters(path: Path) -> dict[str, dict]:
    import papermill  # imported here: it takes ~1.5 s and `xxgk check` never runs a notebook

    return papermill.inspect_notebook(str(path))


def check_parameters(path: Path, parameters: dict) -> None:
    """Refuse names the notebook does not declare (papermill would only warn)."""
    declared = declared_parameters(path)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise NotebookError(
            f"笔记本 {path.name} 没有声明参数：{'、'.join(unknown)}；"
            f"可用参数为：{'、'.join(sorted(declared))}。")


def run_notebook(path: Path, output: Path, parameters: dict, *, cwd: Path | None = None) -> Path:
    """Execute `path` with `parameters` into `output` (kernel python3), the kernel working in
    `cwd`. Several may run at once in threads: papermill's own `cwd` would change this whole
    process's directory, so the kernel is given its directory when it starts instead."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(path, parameters)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.stem}.running{output.suffix}")
    try:
        papermill.execute_notebook(
            str(path.resolve()), str(tmp), parameters=parameters, kernel_name=KERNEL,
            progress_bar=False, resources={"metadata": {"path": str(cwd)}} if cwd else {},
            # The kernel's own start-up chatter (e.g. about its local TCP transport) is not
            # for the office staff reading the terminal.
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except PapermillExecutionError as exc:
        raise NotebookError(
            f"笔记本 {path.name} 第 {exc.cell_index + 1} 个单元格运行出错：{exc.ename}: {exc.evalue}"
            f"（已执行的笔记本保存在 {tmp}，可打开查看）") from None
    tmp.replace(output)
    return output
