"""Zips read byte by byte, not through zipfile: what Windows' Explorer sees."""

from __future__ import annotations

import struct


def raw_names(data: bytes) -> list[tuple[bytes, int, int]]:
    """(name bytes, central directory flags, local header flags) of every member, parsed from
    the zip's bytes by hand."""
    end = data.rindex(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HII", data, end + 10)
    out, pos = [], start
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        flags, = struct.unpack_from("<H", data, pos + 8)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        local, = struct.unpack_from("<I", data, pos + 42)
        name = data[pos + 46:pos + 46 + name_len]
        assert data[local:local + 4] == b"PK\x03\x04"
        local_flags, = struct.unpack_from("<H", data, local + 6)
        local_len, = struct.unpack_from("<H", data, local + 26)
        assert data[local + 30:local + 30 + local_len] == name
        out.append((name, flags, local_flags))
        pos += 46 + name_len + extra_len + comment_len
    return out
