"""Project rows are written through linli.projects.services (money moves on the
ledger, history is append-only): the admin shows them for support and audit and
never edits them."""
from linli.adminkit import register_read_only as _register
from linli.projects import models as m

_register(m.Project, ["title", "compound", "kind", "status", "notice_until", "start_date", "end_date"],
          ["status", "kind"], ["title", "compound__name"])
_register(m.Organisation, ["name", "role", "contact_name"], ["role"], ["name"])
_register(m.Contribution, ["project", "source", "amount", "state", "household", "created_at"], ["state", "source"],
          ["project__title", "payer"])
_register(m.Problem, ["project", "case", "kind", "created_at"], ["kind"], ["project__title", "case__tracking_code"])
_register(m.Event, ["project", "kind", "by", "at"], ["kind"], ["project__title"])
_register(m.CommitteeMember, ["project", "person", "household", "title"], ["project__status"],
          ["project__title", "person__username", "title"])
_register(m.ScopeItem, ["project", "title", "quantity", "unit", "budget"], ["project__status"],
          ["project__title", "title"])
_register(m.ItemPhoto, ["item", "after", "uploaded_at"], ["after"], ["item__title", "item__project__title"])
_register(m.BudgetLine, ["project", "source", "planned"], ["source"], ["project__title"])
_register(m.Milestone, ["project", "title", "due", "committee_signed_at", "supervisor_signed_at"], ["project__status"],
          ["project__title", "title"])
_register(m.Comment, ["project", "household", "support", "created_at"], ["support"], ["project__title", "text"])
_register(m.Payment, ["project", "item", "amount", "payee", "created_at"], ["project__status"],
          ["project__title", "payee"])
_register(m.Rating, ["project", "household", "score", "created_at"], ["score"], ["project__title"])
