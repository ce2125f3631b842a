"""Hand-built PDFs for tests: text pages, encrypted, malformed, bombs and very long ones.

No PDF-writing library: a PDF with Helvetica text is a few objects and a cross-reference
table, and writing them here keeps each hostile variant explicit.
"""

from __future__ import annotations

import zlib


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(text: str) -> bytes:
    lines = text.split("\n")
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def make_pdf(pages: list[str], *, encrypt: bool = False, streams: list[bytes] | None = None,
             flate: bool = False) -> bytes:
    """A PDF with one page per text (``streams`` replaces the content streams as given)."""
    contents = streams if streams is not None else [_content(t) for t in pages]
    n = len(contents)
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    font_id = 3 + 2 * n
    for i, stream in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        data, extra = (zlib.compress(stream), " /Filter /FlateDecode") if flate else (stream, "")
        objects.append(f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data
                       + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    trailer_extra = ""
    if encrypt:
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
            + b"> /P -4 >>"
        )
        trailer_extra = f" /Encrypt {len(objects)} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer_extra} >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def bomb_pdf(inflated: int = 512 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(inflated // len(chunk)))
    data += compressor.flush()
    return make_pdf([""], streams=[b""]).replace(b"<< /Length 0 >>\nstream\n\nendstream",
                                                  f"<< /Length {len(data)} /Filter /FlateDecode >>"
                                                  f"\nstream\n".encode() + data
                                                  + b"\nendstream")
