"""What a session recording really is, read from its first bytes (the client's Content-Type and file name are
not trusted): the container's signature decides the type it is stored and served as.

Signatures: EBML (Matroska and WebM) starts 1A 45 DF A3, its DocType says "webm" or "matroska"; ISO base media
(MP4, QuickTime) has `ftyp` at offset 4, its major brand "qt  " for QuickTime; Ogg pages start "OggS".
Audio-only formats are not accepted: a session recording is a video of the screen and the participant.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How many leading bytes `detect` needs.
HEAD_BYTES = 64


@dataclass(frozen=True)
class RecordingType:
    content_type: str
    suffix: str  # the stored file's extension, from which it is served with `content_type`


WEBM = RecordingType("video/webm", ".webm")
MATROSKA = RecordingType("video/x-matroska", ".mkv")
MP4 = RecordingType("video/mp4", ".mp4")
QUICKTIME = RecordingType("video/quicktime", ".mov")
OGG = RecordingType("video/ogg", ".ogv")
ALL = (WEBM, MATROSKA, MP4, QUICKTIME, OGG)
CONTENT_TYPE_BY_SUFFIX = {t.suffix: t.content_type for t in ALL} | {".m4v": MP4.content_type, ".ogg": OGG.content_type}


def detect(head: bytes) -> RecordingType | None:
    """The recording type of a file starting with `head` (at least HEAD_BYTES, or the whole file), or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:HEAD_BYTES] else MATROSKA
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return QUICKTIME if head[8:12] == b"qt  " else MP4
    if head.startswith(b"OggS"):
        return OGG
    return None


def content_type_of(name: str) -> str:
    """The type a stored recording is served as, by the suffix `detect` gave it."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return CONTENT_TYPE_BY_SUFFIX.get(suffix, "application/octet-stream")
