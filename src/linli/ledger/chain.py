"""The hash chain of an account's posted legs, and offline checking of an export.

Pure Python on purpose: ``linli ledger verify-export`` uses only this module,
so a downloaded file can be checked without the server or its database.

Entry hash = sha256(previous hash + canonical JSON of the entry), where the
canonical JSON has sorted keys, no spaces and UTF-8 text (not \\u escapes).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

GENESIS = "0" * 64
EXPORT_FORMAT = "linli-ledger-export/1"
ENTRY_FIELDS = ("account", "seq", "transaction", "posted_at", "amount", "balance_after", "memo")


def canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_content(*, account: str | None, seq: int, transaction: str, posted_at: str, amount: int, balance_after: int,
                  memo: str) -> dict:
    return {"account": account, "seq": seq, "transaction": transaction, "posted_at": posted_at, "amount": amount,
            "balance_after": balance_after, "memo": memo}


def entry_hash(prev_hash: str, content: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


class ExportProblem(Exception):
    def __init__(self, seq, message: str):
        super().__init__(message)
        self.seq = seq
        self.message = message


def verify_export(data: dict) -> int:
    """Check a downloaded export; returns the number of entries. Raises
    ExportProblem naming the first entry that does not fit (seq None = the file itself)."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ExportProblem(None, f"not a {EXPORT_FORMAT} file")
    account = data.get("account") or {}
    code = account.get("code")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ExportProblem(None, "the file has no list of entries")
    prev, balance = GENESIS, 0
    for i, entry in enumerate(entries, start=1):
        seq = entry.get("seq") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or any(f not in entry for f in ENTRY_FIELDS[1:]):
            raise ExportProblem(i, f"entry {i}: fields missing")
        if seq != i:
            raise ExportProblem(i, f"entry {i}: sequence number {seq!r}, expected {i} (an entry is missing or added)")
        amount = entry["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(entry["balance_after"], int):
            raise ExportProblem(seq, f"entry {seq}: amount and balance must be whole numbers of minor units")
        if entry.get("prev_hash") != prev:
            raise ExportProblem(seq, f"entry {seq}: previous hash does not match the entry before it")
        balance += amount
        if entry["balance_after"] != balance:
            raise ExportProblem(
                seq, f"entry {seq}: balance after is {entry['balance_after']}, the amounts add up to {balance}"
            )
        content = entry_content(account=code, **{f: entry[f] for f in ENTRY_FIELDS[1:]})
        digest = entry_hash(prev, content)
        if entry.get("hash") != digest:
            raise ExportProblem(seq, f"entry {seq} (transaction {entry['transaction']}): hash does not match its content")
        prev = digest
    if data.get("head") != prev:
        raise ExportProblem(None, "the chain head in the file does not match the last entry")
    if data.get("balance") != balance:
        raise ExportProblem(None, f"the balance in the file is {data.get('balance')}, the entries add up to {balance}")
    return len(entries)
