"""Inside an OLE compound file: an .xls workbook, a Word document, an encrypted .xlsx, and VBA
macros, told apart by the names in its directory."""

from __future__ import annotations

import struct

from pipeline.workbooks.scanned import (
    ODS,
    XLS,
    XLSX,
    Scan,
    not_a_spreadsheet,
)


def _ole_has(data: bytes, name: str) -> bool:
    """A stream name in the compound file's directory (names are UTF-16LE)."""
    return name.encode("utf-16-le") in data


_OLE_ENTRY = 128  # bytes of a directory entry; directory sectors (512 or 4096 bytes) hold 4 or 32


def _ole_entry(data: bytes, name: str) -> bool:
    """A storage or stream of that name in the compound file's directory: an entry starts with
    the name in UTF-16LE, padded to 64 bytes, then its length in bytes with the terminator."""
    encoded = name.encode("utf-16-le")
    pattern = encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded) + 2)
    at = data.find(pattern)
    while at != -1:
        if at % _OLE_ENTRY == 0:  # sectors and entries are aligned from the file's start
            return True
        at = data.find(pattern, at + 1)
    return False


# The storages Excel keeps a workbook's VBA project in (an .xls saved with macros).
_OLE_VBA = ("_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT")


def _scan_ole(data: bytes, suffix: str, scan: Scan) -> None:
    """An OLE container is a legacy .xls, or an encrypted OOXML workbook (whatever its name)."""
    if _ole_has(data, "WordDocument"):
        scan.refuse("IN001", reason=not_a_spreadsheet(suffix, "Word 文档（.doc）"))
    elif _ole_has(data, "EncryptedPackage") or _ole_has(data, "EncryptionInfo"):
        scan.refuse("IN005")
    elif any(_ole_entry(data, name) for name in _OLE_VBA):
        scan.refuse("IN015", what="VBA 宏")
    elif _ole_has(data, "Workbook") or _ole_has(data, "Book"):
        scan.kind = XLS
    elif suffix.lower() in (XLSX, ODS):
        scan.refuse("IN005")  # an OOXML name on a compound file: an encrypted package
    else:
        scan.refuse("IN006", reason="文件内容无法识别")
