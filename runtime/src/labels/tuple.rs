//! Tuples of label values as label sets, their names given by the family
//! ([`Family::with_label_names`](crate::Family::with_label_names)).

use super::{cardinality_mul, LabelSet, LabelValue, LabelWriter};

/// The product of `cards[from..]`, each open one counted as 1: the stride of the value
/// at `from - 1` in a tuple's dense index (the first value is the most significant).
const fn stride(cards: &[Option<usize>], from: usize) -> usize {
    let mut product = 1usize;
    let mut i = from;
    while i < cards.len() {
        if let Some(c) = cards[i] {
            product = product.saturating_mul(c);
        }
        i += 1;
    }
    product
}

/// The product of every cardinality, `None` when one is open (or the product overflows).
const fn product(cards: &[Option<usize>]) -> Option<usize> {
    let mut product = Some(1usize);
    let mut i = 0;
    while i < cards.len() {
        product = cardinality_mul(product, cards[i]);
        i += 1;
    }
    product
}

macro_rules! tuple_label_set {
    ($n:literal: $($t:ident . $i:tt),+) => {
        /// A tuple of label values: a label set whose names its family gives, in order.
        /// Finite when every value is.
        impl<$($t: LabelValue),+> LabelSet for ($($t,)+) {
            const NAMES: &'static [&'static str] = &[];
            const CARDINALITY: Option<usize> = product(&[$($t::CARDINALITY),+]);
            const POSITIONAL_LABELS: usize = $n;

            #[inline]
            fn index(&self) -> usize {
                // Horner over the cardinalities: the first value is the most significant,
                // so index order is the order of the values, the first one slowest.
                let mut index = 0usize;
                $(index = index.wrapping_mul($t::CARDINALITY.unwrap_or(1)).wrapping_add(self.$i.index());)+
                index
            }

            fn from_index(index: usize) -> Option<Self> {
                let cards = [$($t::CARDINALITY),+];
                if index >= product(&cards)? {
                    return None;
                }
                Some(($($t::from_index((index / stride(&cards, $i + 1)) % cards[$i]?)?,)+))
            }

            /// Writes nothing: a tuple has no names of its own (see
            /// [`encode_with_names`](LabelSet::encode_with_names)).
            fn encode(&self, _: &mut LabelWriter<'_>) {}

            #[inline]
            fn encode_with_names(&self, names: &[&'static str], out: &mut LabelWriter<'_>) {
                $(if let Some(name) = names.get($i) {
                    out.label(name, &self.$i);
                })+
            }
        }
    };
}

tuple_label_set!(1: A.0);
tuple_label_set!(2: A.0, B.1);
tuple_label_set!(3: A.0, B.1, C.2);
tuple_label_set!(4: A.0, B.1, C.2, D.3);
tuple_label_set!(5: A.0, B.1, C.2, D.3, E.4);
tuple_label_set!(6: A.0, B.1, C.2, D.3, E.4, F.5);
tuple_label_set!(7: A.0, B.1, C.2, D.3, E.4, F.5, G.6);
tuple_label_set!(8: A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7);
tuple_label_set!(9: A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8);
tuple_label_set!(10: A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9);
tuple_label_set!(11: A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10);
tuple_label_set!(12: A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_tuples_index_densely_and_back() {
        type T = (bool, u8, bool);
        assert_eq!(T::CARDINALITY, Some(2 * 256 * 2));
        assert_eq!(T::POSITIONAL_LABELS, 3);
        let mut seen = Vec::new();
        for i in 0..T::CARDINALITY.unwrap() {
            let t = T::from_index(i).expect("in range");
            assert_eq!(t.index(), i);
            seen.push(t);
        }
        // The first value is the most significant.
        assert_eq!(seen[0], (false, 0, false));
        assert_eq!(seen[1], (false, 0, true));
        assert_eq!(seen[2], (false, 1, false));
        assert_eq!(seen[512], (true, 0, false));
        assert_eq!(T::from_index(1024), None);
    }

    #[test]
    fn open_tuples_are_open() {
        assert_eq!(<(bool, String)>::CARDINALITY, None);
        assert_eq!(<(bool, String)>::MAX_SERIES, None);
        assert_eq!(<(bool, String)>::from_index(0), None);
    }

    #[test]
    fn tuples_write_their_family_names() {
        let mut seen = Vec::new();
        let mut visitor = |n: &str, v: &str| seen.push(format!("{n}={v}"));
        let mut buf = String::new();
        let mut out = LabelWriter::new(&mut visitor, &mut buf);
        ("get", 404u16).encode_with_names(&["method", "code"], &mut out);
        ("get", 404u16).encode(&mut out);
        assert_eq!(seen, ["method=get", "code=404"]);
    }
}
