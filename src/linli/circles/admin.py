"""Service-circle rows are written through linli.circles.services (each change is an
event): the admin shows them for support and audit and never edits them."""
from linli.adminkit import register_read_only
from linli.circles import models as m

register_read_only(m.Entry, ["name", "node", "circle", "category", "service_point", "hidden"],
                   ["circle", "service_point", "hidden"], ["name", "category", "services"])
register_read_only(m.CompoundLocation, ["compound", "lat", "lng", "updated_at"], search=["compound__name"],
                   date_hierarchy="updated_at")
register_read_only(m.Event, ["node", "entry", "kind", "by", "at"], ["kind"], ["entry__name", "node__name"],
                   date_hierarchy="at")
