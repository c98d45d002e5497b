"""The demo: 珍宝琥珀's compound questionnaire (seed 001) answered by 48
households, anonymous, results public; the 邻里公约 survey of 丽晶公馆 open."""
from __future__ import annotations

import re

import pytest

from linli.surveys.models import Response, Survey


def english_words(page: str) -> list[str]:
    """Latin words a reader sees in the page's main part (tags, attributes and the SVG's markup removed)."""
    main = page[page.index("<main>"):page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    return re.findall(r"[A-Za-z]{2,}", text)


pytestmark = pytest.mark.usefixtures("demo_state", "db")


def test_the_demo_questionnaires(client):
    governance = Survey.objects.get(node__code="ZBHP")
    assert (governance.title, governance.anonymous, governance.results_public) == ("珍宝琥珀小区治理问卷", True, True)
    assert Response.objects.filter(survey=governance).count() == 48
    assert not Response.objects.filter(survey=governance, person__isnull=False).exists()
    page = client.get(f"/surveys/{governance.pk}/results").content.decode()
    assert "共 48 份答卷" in page and page.count("<svg") == 5 and "heat-" in page
    for url in ("/surveys/", f"/surveys/{governance.pk}/", f"/surveys/{governance.pk}/results"):
        assert english_words(client.get(url).content.decode()) == [], url
    pact = Survey.objects.get(node__code="LJGG")
    assert pact.purpose == "pact" and pact.responses.count() == 15
    from linli.org.models import Person

    client.force_login(Person.objects.get(username="resident"))
    assert 'id="survey-submit"' in client.get(f"/surveys/{pact.pk}/").content.decode()
