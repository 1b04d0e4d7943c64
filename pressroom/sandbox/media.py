"""Uploaded files: the bytes on disk under the state directory, their records in SQLite."""

from __future__ import annotations

import mimetypes
import shutil
from pathlib import Path

from pressroom.sandbox.records import Media
from pressroom.sandbox.writes import WriteBehind


class MediaFiles:
    def __init__(self, files_dir: Path, writes: WriteBehind) -> None:
        self.files_dir = files_dir
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._writes = writes

    def clear(self) -> None:
        """Forget every file (their rows are deleted with the rest of a reset)."""
        shutil.rmtree(self.files_dir, ignore_errors=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)

    def save(
        self,
        *,
        platform: str,
        account_id: str,
        media_id: str,
        content: bytes,
        content_type: str,
        description: str = "",
        width: int = 0,
        height: int = 0,
        pending_polls: int = 0,
    ) -> Media:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        media = Media(
            platform=platform,
            media_id=media_id,
            account_id=account_id,
            file_name=f"{media_id}{extension}",
            content_type=content_type,
            description=description,
            width=width,
            height=height,
            size=len(content),
            pending_polls=pending_polls,
        )
        folder = self.files_dir / platform
        folder.mkdir(parents=True, exist_ok=True)
        (folder / media.file_name).write_bytes(content)
        self._writes.write(
            """INSERT INTO media (platform, media_id, account_id, file_name, content_type,
            description, width, height, size, pending_polls, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                platform,
                media_id,
                account_id,
                media.file_name,
                content_type,
                description,
                width,
                height,
                media.size,
                pending_polls,
                media.created_at,
            ),
        )
        return media

    def get(self, platform: str, media_id: str) -> Media | None:
        with self._writes.reading() as db:
            row = db.execute(
                "SELECT * FROM media WHERE platform = ? AND media_id = ?", (platform, media_id)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def by_file(self, platform: str, file_name: str) -> Media | None:
        with self._writes.reading() as db:
            row = db.execute(
                "SELECT * FROM media WHERE platform = ? AND file_name = ?", (platform, file_name)
            ).fetchone()
        return Media(**dict(row)) if row else None

    def poll(self, platform: str, media_id: str) -> Media | None:
        """One look at a processing upload: each look brings it closer to ready."""
        with self._writes.reading() as db:
            db.execute(
                """UPDATE media SET pending_polls = pending_polls - 1
                WHERE platform = ? AND media_id = ? AND pending_polls > 0""",
                (platform, media_id),
            )
        return self.get(platform, media_id)

    def path(self, media: Media) -> Path:
        return self.files_dir / media.platform / media.file_name
