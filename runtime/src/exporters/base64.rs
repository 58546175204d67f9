//! The one base64 encoder of the crate (RFC 4648, padded): the standard alphabet for HTTP
//! Basic authentication (the server and the Pushgateway client), the URL-safe one for the
//! Pushgateway's `@base64` grouping-key values.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `bytes` in RFC 4648 §4 base64 (the standard alphabet), padded.
pub(crate) fn standard(out: &mut String, bytes: &[u8]) {
    encode(out, bytes, STANDARD);
}

/// Appends `bytes` in RFC 4648 §5 base64 (URL- and filename-safe alphabet), padded like
/// the Python client's `urlsafe_b64encode`.
#[cfg_attr(not(feature = "push"), allow(dead_code))]
pub(crate) fn url_safe(out: &mut String, bytes: &[u8]) {
    encode(out, bytes, URL_SAFE);
}

fn encode(out: &mut String, bytes: &[u8], alphabet: &[u8; 64]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: fn(&mut String, &[u8]), bytes: &[u8]) -> String {
        let mut out = String::new();
        f(&mut out, bytes);
        out
    }

    #[test]
    fn matches_the_rfc_4648_vectors_in_both_alphabets() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            ("/var/tmp", "L3Zhci90bXA="),
        ];
        for (input, want) in cases {
            assert_eq!(with(standard, input.as_bytes()), want, "{input:?}");
            assert_eq!(with(url_safe, input.as_bytes()), want, "{input:?}");
        }
        // `+` and `/` of the standard alphabet are `-` and `_` in the URL-safe one.
        assert_eq!(with(standard, &[0xfb, 0xff, 0xfe]), "+//+");
        assert_eq!(with(url_safe, &[0xfb, 0xff, 0xfe]), "-__-");
        assert_eq!(with(url_safe, "\u{fb}\u{ff}".as_bytes()), "w7vDvw==");
    }
}
