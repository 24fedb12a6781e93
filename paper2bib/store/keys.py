"""Citation keys: one per paper, never changed once stored (except by ``export --rekey``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .connection import Connection, id_list


class KeyStore(Connection):
    """The citation keys of a library."""

    def citekeys(self) -> dict[str, str]:
        """Every stored citation key, by arXiv id."""
        return dict(self.db.execute("SELECT arxiv_id, key FROM citekeys"))

    def citekeys_by_key(self) -> dict[str, str]:
        """Every stored citation key and the arXiv id it names."""
        return {k: a for a, k in self.citekeys().items()}

    def claim_citekeys(
        self, assign: Callable[[dict[str, str]], dict[str, str]], drop: Iterable[str] = ()
    ) -> dict[str, str]:
        """Assign and store new keys in one transaction; return every key by arXiv id.

        ``assign(existing)`` gets the stored keys and returns the new ones. Holding the
        write lock from reading to storing means two processes can never give one key
        to two papers, nor two keys to one paper. A key once stored never changes,
        except that the keys of ``drop`` (``export --rekey``) are made anew.
        """
        now = self.now()
        with self.transaction() as db:
            db.execute("DELETE FROM citekeys WHERE arxiv_id IN (SELECT value FROM json_each(?))", (id_list(drop),))
            existing: dict[str, str] = dict(db.execute("SELECT arxiv_id, key FROM citekeys"))
            new = assign(existing)
            db.executemany(
                "INSERT INTO citekeys (arxiv_id, key, assigned_at) VALUES (?,?,?)",
                [(a, k, now) for a, k in new.items() if a not in existing],
            )
        return {**existing, **new}
