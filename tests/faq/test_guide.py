"""The guide parser survives the PDF noise of the five associations' guides."""

from faq.guide import clean_line, parse_guide, repair_reversed_line, strip_bullet


def test_reversed_kashida_line_reads_forward_again() -> None:
    line = "ــه  ــة طلب ــث لدراس ــة البح ــيرفع للجن ــه س ــأن طلب ــتفيد ب ــح للمس 4- التوضي"
    assert repair_reversed_line(line) == (
        "4- التوضيح للمستفيد بأن طلبه سيرفع للجنة البحث لدراسة طلبه"
    )


def test_reversed_line_without_marker_puts_its_last_word_first() -> None:
    line = "ــهر . ــن ش ــل ع ــدة لا تق ــلال م ــه خ ــه أو رفض ــأن قبول ــه بش ــرد علي وال"
    assert repair_reversed_line(line).startswith(
        "والرد عليه بشأن قبوله أو رفضه خلال مدة لا تقل عن شهر"
    )


def test_ordinary_lines_are_left_alone() -> None:
    line = "تقديم خدمة متميزة للمستفيدين من كافة الشرائح"
    assert repair_reversed_line(line) == line


def test_clean_line_removes_tatweel_markup_and_loading() -> None:
    assert clean_line("**تضــع جمعيــة**   قــادر Loading...") == "تضع جمعية قادر"


def test_every_list_style_is_a_list_item() -> None:
    for raw in (
        "- 1 - المقابلة.",
        "-1 المقابلة .",
        "1.   المقابلة",
        "1- المقابلة",
        "• المقابلة",
        "6 المقابلة",
    ):
        is_item, body = strip_bullet(raw)
        assert is_item, raw
        assert body.rstrip(" .") == "المقابلة", raw


def test_headings_in_every_shape_become_sections() -> None:
    text = "\n".join(
        [
            "## تمهيد :-",
            "نص التمهيد هنا وهو أطول من العنوان.",
            "الهدف العام :",
            "نص الهدف العام وهو أطول من العنوان بكثير.",
            "أولاً: المقدمة",
            "مقدمة الدليل وهي فقرة أطول من العنوان.",
            "قياس رضا المستفيدين",
            "تعتمد الجمعية آليات دورية لقياس رضا المستفيدين عن الخدمات المقدمة.",
        ]
    )
    titles = [s.title for s in parse_guide(text).sections]
    assert [t.rstrip(":- ") for t in titles] == [
        "تمهيد",
        "الهدف العام",
        "المقدمة",
        "قياس رضا المستفيدين",
    ]


def test_table_of_contents_and_repeated_page_headers_are_dropped() -> None:
    text = "\n".join(
        [
            "تكاتف Takatuf",
            "2\tتمهيد :",
            "3\tالقنوات.....",
            "تكاتف Takatuf",
            "تمهيد :-",
            "تضع الجمعية السياسات والإجراءات التي تنظم علاقتها.",
        ]
    )
    guide = parse_guide(text)
    assert [s.title for s in guide.sections] == ["تمهيد"]
    assert "Takatuf" not in guide.text
