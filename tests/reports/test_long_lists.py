"""The tags that render a long select or table in one step: the same markup a template loop gave, escaped."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils.safestring import mark_safe


def render(source: str, **context) -> str:
    return Template("{% load govcx %}" + source).render(Context(context))


def test_options_from_pairs_and_records_mark_the_chosen_one_and_escape_labels():
    records = [SimpleNamespace(pk=7, name="Пенсия <по старости>"), SimpleNamespace(pk=12, name="Паспорт & виза")]
    assert render("{% options records chosen %}", records=records, chosen=12) == (
        '<option value="7">Пенсия &lt;по старости&gt;</option>'
        '<option value="12" selected>Паспорт &amp; виза</option>')
    pairs = [("RU-TUL", "Тульская область"), ("RU-MOW", '"Москва"')]
    assert render("{% options pairs 'RU-MOW' %}", pairs=pairs) == (
        '<option value="RU-TUL">Тульская область</option><option value="RU-MOW" selected>&quot;Москва&quot;</option>')


def test_options_select_nothing_when_nothing_is_chosen():
    pairs = [("", "—"), ("0", "zero")]
    assert "selected" not in render("{% options pairs chosen %}", pairs=pairs, chosen=None)
    assert "selected" not in render("{% options pairs '' %}", pairs=pairs)


def test_table_rows_head_each_row_with_the_named_cell_and_escape_all_but_safe_cells():
    rows = [{"rank": 1, "label": "<script>x</script>", "verdict": mark_safe('<strong class="good">higher</strong>')},
            {"rank": 2, "label": "Tula & Co", "verdict": "same"}]
    assert render('{% table_rows rows "rank label verdict" header="label" %}', rows=rows) == (
        '<tr><td>1</td><th scope="row">&lt;script&gt;x&lt;/script&gt;</th>'
        '<td><strong class="good">higher</strong></td></tr>'
        '<tr><td>2</td><th scope="row">Tula &amp; Co</th><td>same</td></tr>')
    assert render('{% table_rows rows "rank" %}', rows=[]) == ""
