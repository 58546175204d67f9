//! `promenade::parse::parse_bytes`: bytes parse exactly as the same text does, and a byte
//! that is not UTF-8 is an error at its line and column.

use promenade::parse::{self, Format, Parser};

/// The error's `line:column: message`.
fn bad(input: &[u8], parser: Parser) -> String {
    match parser.parse_bytes(input) {
        Ok(f) => panic!("accepted {input:?}: {f:?}"),
        Err(e) => format!("{}:{}: {}", e.line(), e.column(), e.message()),
    }
}

#[test]
fn bytes_parse_like_the_same_text() {
    let text = "# HELP a é\n# TYPE a gauge\na{b=\"😀\"} 1 5\n";
    let om = "# TYPE a gauge\na{b=\"😀\"} 1 5\n# EOF\n";
    for (input, parser) in [
        (text, Parser::new(Format::Text)),
        (text, Parser::new(Format::Text).lenient()),
        (om, Parser::new(Format::OpenMetrics)),
    ] {
        assert_eq!(parser.parse_bytes(input.as_bytes()), parser.parse(input));
    }
    let owned: Vec<u8> = om.into();
    assert_eq!(
        parse::parse_bytes(&owned, Format::OpenMetrics).unwrap()[0].samples[0].label("b"),
        Some("😀")
    );
    // errors are those of the text
    assert_eq!(
        bad(b"a 1", Parser::new(Format::Text)),
        "1:4: the last line must end with a newline (`\\n`)"
    );
    assert_eq!(
        bad(b"", Parser::new(Format::OpenMetrics)),
        "1:1: the exposition must end with `# EOF`"
    );
}

#[test]
fn a_byte_that_is_not_utf8_is_an_error_where_it_is() {
    for format in [
        Parser::new(Format::Text),
        Parser::new(Format::Text).lenient(),
        Parser::new(Format::OpenMetrics),
    ] {
        assert_eq!(bad(b"\xff", format), "1:1: invalid UTF-8 (byte 0xff)");
        assert_eq!(
            bad(b"a 1\nb{c=\"\xc3\xa9\xfe\"} 1\n", format),
            "2:7: invalid UTF-8 (byte 0xfe)"
        );
        // the first byte of a truncated sequence, counted in code points of its line
        assert_eq!(
            bad(b"# HELP a \xc3\xa9\xc3\xa9\xe2\x82\n", format),
            "1:12: invalid UTF-8 (byte 0xe2)"
        );
        // an encoded surrogate, and a sequence cut by the end of the input
        assert_eq!(
            bad(b"a 1\n\n\xed\xa0\x80 1\n", format),
            "3:1: invalid UTF-8 (byte 0xed)"
        );
        assert_eq!(
            bad(b"a 1\n# HELP a \xf0\x9f\x98", format),
            "2:10: invalid UTF-8 (byte 0xf0)"
        );
        // a continuation byte with nothing before it
        assert_eq!(
            bad(b"a{b=\"\x80\"} 1\n", format),
            "1:6: invalid UTF-8 (byte 0x80)"
        );
    }
    let e = parse::parse_bytes(b"ok 1\nbad\xc0\xaf 1\n", Format::Text).unwrap_err();
    assert_eq!(e.to_string(), "line 2, column 4: invalid UTF-8 (byte 0xc0)");
}
