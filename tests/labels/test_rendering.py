"""Rendering alone: label data in, a PDF that prints, reads and scans correctly."""

import dataclasses
import datetime as dt

import pytest
from reportlab.pdfbase import pdfmetrics

from integrations.labels import (
    BOLD,
    REGULAR,
    LabelData,
    LabelError,
    fit,
    printable,
    render_labels,
)
from tests.labels import pdf as read

LABEL = LabelData(
    importer="Acme Flowers",
    vendor_name="Flores La Ñusta",
    vendor_code="UIO07100",
    po_number=1042,
    reservation_number="CM000123",
    ship_date=dt.date(2027, 2, 8),
    origin="UIO",
    destination="MIA",
    product="Rose Freedom 50cm",
    box_type="HB",
    mark_code="GRC-ATL",
    box_number=1,
    box_total=1,
    box_code="CM000123-00001",
)


def label(**changes) -> LabelData:
    return dataclasses.replace(LABEL, **changes)


def test_every_barcode_scans_back_to_its_box_code():
    codes = ["CM000123-00001", "CM999999-12345", "ABC-9", "CM1-00042", "X" * 20]
    pdf = render_labels([label(box_code=code) for code in codes])

    assert read.scanned_barcodes(pdf) == codes


def test_barcodes_also_scan_on_4x6_labels():
    codes = [f"CM000777-{n:05d}" for n in range(1, 4)]
    pdf = render_labels([label(box_code=code) for code in codes], size="4x6")

    assert read.scanned_barcodes(pdf) == codes


def test_pages_are_4x3_inches_by_default_and_4x6_when_asked():
    assert read.page_size_points(render_labels([LABEL])) == (288, 216)
    assert read.page_size_points(render_labels([LABEL], size="4x6")) == (288, 432)


def test_accented_names_keep_their_letters_in_the_text_layer():
    labels = [
        label(vendor_name="Flores La Ñusta"),
        label(vendor_name="Flores O'Higgins Export", product="Clavel Señorío Ámbar"),
        label(importer="Importadora Álvarez Núñez", mark_code="JOSÉ-ÚÑ"),
    ]

    text = read.text(render_labels(labels))

    for expected in [
        "Flores La Ñusta",
        "Flores O'Higgins Export",
        "Clavel Señorío Ámbar",
        "Importadora Álvarez Núñez",
        "JOSÉ-ÚÑ",
    ]:
        assert expected in text


def test_a_label_shows_every_field_of_the_box():
    words = " ".join(read.words_by_page(render_labels([label(box_total=3)]))[0])

    for expected in [
        "Acme Flowers",
        "Flores La Ñusta",
        "UIO07100",
        "PO 1042",
        "Reservation CM000123",
        "Ship Feb 08, 2027",
        "UIO > MIA",
        "Rose Freedom 50cm",
        "HB",
        "Mark GRC-ATL",
        "Box 1 of 3",
        "CM000123-00001",
    ]:
        assert expected in words


def test_only_reprinted_labels_carry_the_r_mark():
    pdf = render_labels([LABEL, label(reprint=True)])

    first, reprint = read.words_by_page(pdf)
    assert "R" not in first
    assert "R" in reprint


def test_long_text_is_shortened_with_an_ellipsis_that_fits():
    long_name = "Flores de la Sabana de Bogotá Exportadora Internacional Ñ" * 2

    shortened = fit(long_name, REGULAR, 9, 150)

    assert shortened.endswith("…")
    assert long_name.startswith(shortened[:-1])
    assert pdfmetrics.stringWidth(shortened, REGULAR, 9) <= 150


def test_text_that_fits_is_left_whole():
    assert fit("Flores La Ñusta", BOLD, 12, 268) == "Flores La Ñusta"


def test_decomposed_accents_print_as_whole_letters():
    # "N" + combining tilde, as some spreadsheets export it, is the letter Ñ.
    assert printable("Flores La N\u0303usta", REGULAR) == "Flores La Ñusta"
    # "q" + tilde has no composed letter and the font has no loose tilde: the
    # letter prints without it rather than beside an empty box.
    assert printable("q\u0303", REGULAR) == "q"


def test_shortening_cuts_between_whole_characters():
    name = "Ñandú Ámbar Óscar " * 10

    for width in range(20, 300, 7):
        shortened = fit(name, BOLD, 11, width)

        assert shortened.endswith("…")
        assert name.startswith(shortened.removesuffix("…"))
        assert pdfmetrics.stringWidth(shortened, BOLD, 11) <= width


def test_a_long_importer_name_is_shortened_visibly_on_the_label():
    importer = "Importadora de Flores del Gran Miami y Todo el Sur de la Florida S.A."

    words = " ".join(read.words_by_page(render_labels([label(importer=importer)]))[0])

    assert "Importadora de Flores" in words
    assert importer not in words
    assert "…" in words


def test_letters_the_font_lacks_fall_back_instead_of_printing_empty_boxes():
    assert printable("Kraków Łódź Ñusta", REGULAR) == "Kraków Łódz Ñusta"
    assert printable("Rosa 玫瑰", REGULAR) == "Rosa ??"


def test_an_unknown_label_size_is_refused_with_the_sizes_that_exist():
    with pytest.raises(LabelError, match=r"Unknown label size '5x5'.*4x3.*4x6"):
        render_labels([LABEL], size="5x5")


def test_no_labels_is_refused_rather_than_an_empty_pdf():
    with pytest.raises(LabelError, match="no labels"):
        render_labels([])
