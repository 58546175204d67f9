//! `#[derive(LabelValue)]`: cardinality, dense indices in declaration order, and the
//! exposed values under every renaming rule.

use promenade::labels::value_string;
use promenade::LabelValue;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
enum StatusClass {
    Informational,
    Success,
    Redirection,
    ClientError,
    #[label(rename = "5xx")]
    ServerError,
}

/// The value's text, and checks that `as_str` (derived enums and newtypes over them
/// borrow their text) agrees with `encode`.
fn encoded<V: LabelValue>(v: &V) -> String {
    let mut written = String::new();
    v.encode(&mut promenade::labels::LabelValueWriter::new(&mut written));
    if let Some(s) = v.as_str() {
        assert_eq!(s, written);
    }
    assert_eq!(value_string(v), written);
    written
}

#[test]
fn cardinality_is_the_number_of_variants() {
    assert_eq!(StatusClass::CARDINALITY, Some(5));
}

#[test]
fn index_follows_declaration_order_and_round_trips() {
    let all = [
        StatusClass::Informational,
        StatusClass::Success,
        StatusClass::Redirection,
        StatusClass::ClientError,
        StatusClass::ServerError,
    ];
    for (i, v) in all.iter().enumerate() {
        assert_eq!(v.index(), i);
        assert_eq!(StatusClass::from_index(i), Some(*v));
    }
    assert_eq!(StatusClass::from_index(5), None);
    assert_eq!(StatusClass::from_index(usize::MAX), None);
}

#[test]
fn values_are_snake_case_unless_renamed() {
    assert_eq!(encoded(&StatusClass::Informational), "informational");
    assert_eq!(encoded(&StatusClass::ClientError), "client_error");
    assert_eq!(encoded(&StatusClass::ServerError), "5xx");
}

#[test]
fn explicit_discriminants_do_not_change_indices() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
    enum Sparse {
        A = 10,
        B = 3,
    }
    assert_eq!((Sparse::A.index(), Sparse::B.index()), (0, 1));
    assert_eq!(Sparse::from_index(1), Some(Sparse::B));
}

macro_rules! rename_all_case {
    ($test:ident, $rule:literal, $expected:expr) => {
        #[test]
        fn $test() {
            #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
            #[label(rename_all = $rule)]
            enum E {
                NotFound,
                HTTPError,
                #[label(rename = "kept as is")]
                Renamed,
            }
            assert_eq!(
                [
                    encoded(&E::NotFound),
                    encoded(&E::HTTPError),
                    encoded(&E::Renamed)
                ],
                $expected
            );
        }
    };
}

rename_all_case!(
    rename_all_snake,
    "snake_case",
    ["not_found", "http_error", "kept as is"]
);
rename_all_case!(
    rename_all_lower,
    "lowercase",
    ["notfound", "httperror", "kept as is"]
);
rename_all_case!(
    rename_all_upper,
    "UPPERCASE",
    ["NOTFOUND", "HTTPERROR", "kept as is"]
);
rename_all_case!(
    rename_all_kebab,
    "kebab-case",
    ["not-found", "http-error", "kept as is"]
);
rename_all_case!(
    rename_all_screaming,
    "SCREAMING_SNAKE_CASE",
    ["NOT_FOUND", "HTTP_ERROR", "kept as is"]
);
rename_all_case!(
    rename_all_screaming_kebab,
    "SCREAMING-KEBAB-CASE",
    ["NOT-FOUND", "HTTP-ERROR", "kept as is"]
);
rename_all_case!(
    rename_all_camel,
    "camelCase",
    ["notFound", "httpError", "kept as is"]
);
rename_all_case!(
    rename_all_pascal,
    "PascalCase",
    ["NotFound", "HttpError", "kept as is"]
);

#[test]
fn values_are_plain_text_and_escaped_by_the_encoders() {
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
    enum Odd {
        #[label(rename = "say \"hi\"\\")]
        Quote,
    }
    assert_eq!(encoded(&Odd::Quote), "say \"hi\"\\");
    #[derive(Clone, PartialEq, Eq, Hash, promenade::LabelSet)]
    struct L {
        odd: Odd,
    }
    assert_eq!(
        promenade::encoding::labels_text(&L { odd: Odd::Quote }),
        r#"odd="say \"hi\"\\""#
    );
}

/// Keywords as variants (`r#Type`): the value is the name without `r#`, under every rule.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[allow(non_camel_case_types)]
enum Keyword {
    r#Type,
    r#match,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, LabelValue)]
#[label(rename_all = "SCREAMING_SNAKE_CASE")]
enum ScreamingKeyword {
    r#Type,
}

#[test]
fn raw_identifiers_lose_their_prefix() {
    assert_eq!(encoded(&Keyword::r#Type), "type");
    assert_eq!(encoded(&Keyword::r#match), "match");
    assert_eq!(encoded(&ScreamingKeyword::r#Type), "TYPE");
}
