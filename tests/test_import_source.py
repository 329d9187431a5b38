"""The import_source command: a UTF-8 article becomes a source split into passages."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from sources.models import (
    Passage,
    Source,
    canonical_text,
    split_passages,
    text_identity,
    text_sha256,
)
from sources.services import SourceError, import_source
from tests.conftest import corpus_files, run

pytestmark = pytest.mark.django_db


def passages_of(source: Source) -> list[tuple[int, int, int, str]]:
    return list(source.passages.order_by("index").values_list("index", "start", "end", "text"))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_each_corpus_article_imports_as_one_passage_per_non_blank_line(path):
    output = run("import_source", str(path))

    source = Source.objects.get()
    text = path.read_text(encoding="utf-8")
    assert source.text == text
    assert source.title == text.strip().splitlines()[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    passages = list(source.passages.order_by("index"))
    assert [p.text for p in passages] == lines
    assert [p.index for p in passages] == list(range(len(lines)))
    for passage in passages:
        assert source.text[passage.start : passage.end] == passage.text
    assert f"Imported: source {source.pk} “{source.key}” with {len(lines)} passages." in output


def test_importing_the_same_file_twice_keeps_one_source(tmp_path):
    path = corpus_files()[0]
    run("import_source", str(path))
    before = passages_of(Source.objects.get())

    output = run("import_source", str(path), "--title", "Another title")

    assert output.startswith("Already imported: source")
    source = Source.objects.get()
    assert source.title != "Another title"
    assert passages_of(source) == before
    assert Passage.objects.count() == len(before)


def test_the_same_text_imported_again_gets_the_same_passages():
    path = corpus_files()[3]
    run("import_source", str(path), "--key", "chronology")
    first = passages_of(Source.objects.get())
    Source.objects.all().delete()

    run("import_source", str(path), "--key", "chronology")
    assert passages_of(Source.objects.get()) == first


def test_title_key_publisher_author_and_url_are_stored():
    run(
        "import_source",
        str(corpus_files()[1]),
        "--title",
        "Q&A with Bertil Lintner",
        "--key",
        "lintner-qa",
        "--publisher",
        "Asia Times",
        "--author",
        "Asia Times staff",
        "--url",
        "https://asiatimes.com/example",
    )
    source = Source.objects.get()
    assert (source.key, source.title, source.publisher, source.author, source.url) == (
        "lintner-qa",
        "Q&A with Bertil Lintner",
        "Asia Times",
        "Asia Times staff",
        "https://asiatimes.com/example",
    )


def test_the_key_is_made_from_the_title_and_kept_unique(tmp_path):
    for n, body in enumerate(["First text.", "Second text."]):
        path = tmp_path / f"{n}.txt"
        path.write_text(body, encoding="utf-8")
        run("import_source", str(path), "--title", "Russia and Myanmar")
    assert list(Source.objects.values_list("key", flat=True)) == [
        "russia-and-myanmar",
        "russia-and-myanmar-2",
    ]


@pytest.mark.parametrize("written", ["yesterday", "last week", "on Monday", "three days ago"])
def test_a_published_date_counted_from_today_is_refused_and_nothing_imported(written):
    """A publication date is what the text's own "yesterday" is read against."""
    with pytest.raises(CommandError, match="write the date the source gives"):
        run("import_source", str(corpus_files()[0]), "--published", written)
    assert not Source.objects.exists()


def test_published_date_is_read_as_written_and_stored():
    run("import_source", str(corpus_files()[0]), "--published", "22 June 2021")
    source = Source.objects.get()
    assert source.published_date == dt.date(2021, 6, 22)
    assert source.published_precision == "day"
    assert source.reference_date == dt.date(2021, 6, 22)
    assert source.published_display() == "22 June 2021"


def test_a_month_published_date_keeps_month_precision():
    run("import_source", str(corpus_files()[0]), "--published", "June 2021")
    source = Source.objects.get()
    assert (source.published_date, source.published_precision) == (dt.date(2021, 6, 1), "month")
    assert source.published_display() == "June 2021"


def test_an_unreadable_published_date_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError, match="--published: Could not read a date"):
        run("import_source", str(corpus_files()[0]), "--published", "not a date")
    assert Source.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"\xff\xfe caf\xe9")

    with pytest.raises(CommandError, match="UTF-8") as exc:
        run("import_source", str(path))

    assert "Nothing imported" in str(exc.value)
    assert "latin1.txt" in str(exc.value)
    assert Source.objects.count() == 0
    assert Passage.objects.count() == 0


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \n"])
def test_an_empty_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="empty: there is nothing to import"):
        run("import_source", str(path))
    assert Source.objects.count() == 0


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_source", str(tmp_path / "missing.txt"))
    assert Source.objects.count() == 0


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle line\nBody.\n".encode())
    run("import_source", str(path))
    source = Source.objects.get()
    assert source.text == "Title line\nBody.\n"
    assert source.title == "Title line"


def test_offsets_count_characters_across_crlf_and_non_ascii_text(tmp_path):
    text = "Myanmar’s coup — “internal affair”\r\n\r\n  Naypyitaw 🇲🇲 on March 27\r\nlast line"
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    run("import_source", str(path))

    source = Source.objects.get()
    assert source.text == text
    assert [p.text for p in source.passages.all()] == [
        "Myanmar’s coup — “internal affair”",
        "Naypyitaw 🇲🇲 on March 27",
        "last line",
    ]
    for passage in source.passages.all():
        assert source.text[passage.start : passage.end] == passage.text


def test_split_passages_depends_only_on_the_text():
    text = "  one  \n\n two\nthree\n   \n"
    assert split_passages(text) == [(2, 5), (10, 13), (14, 19)]
    assert split_passages(text) == split_passages(str(text))
    assert split_passages("\n \n") == []


def test_the_service_refuses_an_empty_text():
    with pytest.raises(SourceError, match="empty"):
        import_source("  \n ", title="Nothing")
    assert Source.objects.count() == 0


# The same text: the same passages ------------------------------------------------------------

ODD_TEXTS = [
    "  one  \n\n two\nthree\n   \n",
    "a\r\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i",  # every line break splitlines knows
    "\u00a0no-break space\u00a0\n\u3000ideographic space\u3000\n\t tab\t ",
    "inner  spaces\tand tabs stay",
    "\ufeffa byte order mark is not whitespace",
    "",
    " \n\t\n",
]


@pytest.mark.parametrize(
    "text", ODD_TEXTS + [p.read_text(encoding="utf-8") for p in corpus_files()]
)
def test_the_canonical_text_is_the_passages_one_a_line(text):
    passages = [text[start:end] for start, end in split_passages(text)]
    assert canonical_text(text) == "\n".join(passages)
    assert text_identity(text) == text_sha256("\n".join(passages))


def test_texts_share_an_identity_exactly_when_their_passages_are_the_same():
    article = corpus_files()[0].read_text(encoding="utf-8")
    same = [
        article.strip(),
        "\n\n " + article.replace("\n", " \n\n") + "\t\n",
        article.replace("\n", "\r\n"),
    ]
    different = [
        article.replace(" ", "  ", 1),
        article.replace("\n\n", "\n", 1).replace("\n", " ", 1),
        article + "\nOne more line.",
    ]
    assert {text_identity(text) for text in same} == {text_identity(article)}
    assert text_identity(article) not in {text_identity(text) for text in different}


def test_importing_the_same_passages_again_keeps_one_source():
    text = corpus_files()[0].read_text(encoding="utf-8")
    first, created = import_source(text, title="First")
    assert created

    again, created = import_source("\n " + text.replace("\n", "  \n\n"), title="Again")

    assert (again, created) == (first, False)
    assert Source.objects.count() == 1
    assert Source.objects.get().text == text
    assert first.text_identity == text_identity(text)
    assert first.sha256 == text_sha256(text)


def test_the_command_says_already_imported_for_the_same_passages(tmp_path):
    path = corpus_files()[1]
    run("import_source", str(path))
    copy = tmp_path / "copy.txt"
    copy.write_text("\n" + path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")

    output = run("import_source", str(copy))

    assert output.startswith("Already imported: source")
    assert Source.objects.count() == 1
