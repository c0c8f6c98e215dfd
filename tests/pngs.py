"""Reading a PNG's size without an image library (the tests check figures are written at their size)."""

import pathlib


def png_size(path):
    """(width, height) from a PNG's IHDR chunk (bytes 16–24, big-endian); asserts the file is a PNG."""
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
