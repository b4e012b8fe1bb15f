//! The one fast IPv4 parser of the hot paths (`ka_is_alive`'s lookup, `tcp_get_conid`'s
//! target): a dotted quad as `Ipv4Addr`'s `Display` writes it, in one pass without
//! allocation; any other form goes to the full parsers.

/// The dotted quad at the start of `s` (1 to 3 decimal digits an octet, no leading zero,
/// each at most 255): its octets and length; `None` for anything else.
#[inline]
pub fn dotted_quad(s: &[u8]) -> Option<([u8; 4], usize)> {
    let mut ip = [0u8; 4];
    let mut i = 0;
    for (n, octet) in ip.iter_mut().enumerate() {
        if n > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(&d) = s.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start == 3 {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
            i += 1;
        }
        if i == start || v > 255 || (i - start > 1 && s[start] == b'0') {
            return None;
        }
        *octet = v as u8;
    }
    Some((ip, i))
}

#[cfg(test)]
mod tests {
    use super::dotted_quad;
    use std::net::Ipv4Addr;

    #[test]
    fn reads_what_display_writes_and_nothing_else() {
        for a in [
            [0, 0, 0, 0],
            [127, 0, 0, 1],
            [255, 255, 255, 255],
            [10, 1, 20, 199],
        ] {
            let text = Ipv4Addr::from(a).to_string();
            assert_eq!(dotted_quad(text.as_bytes()), Some((a, text.len())));
            let tail = format!("{text}:5060");
            assert_eq!(dotted_quad(tail.as_bytes()), Some((a, text.len())));
        }
        for bad in [
            "",
            "1.2.3",
            "1.2.3.",
            "01.2.3.4",
            "1.2.3.04",
            "256.1.1.1",
            "1.2.3.1000",
            "1..2.3",
            "a.b.c.d",
            "1.2.3.-4",
            "1 .2.3.4",
        ] {
            assert_eq!(dotted_quad(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn agrees_with_std_on_every_short_text() {
        // every text of up to 7 bytes over the characters that matter
        let chars = b"0125.9";
        let mut text = Vec::new();
        fn walk(text: &mut Vec<u8>, chars: &[u8], left: usize) {
            let std = std::str::from_utf8(text)
                .ok()
                .and_then(|t| t.parse::<Ipv4Addr>().ok())
                .filter(|a| a.to_string().as_bytes() == text.as_slice());
            let ours = dotted_quad(text).filter(|&(_, n)| n == text.len());
            assert_eq!(ours.map(|(a, _)| Ipv4Addr::from(a)), std, "{text:?}");
            if left > 0 {
                for &c in chars {
                    text.push(c);
                    walk(text, chars, left - 1);
                    text.pop();
                }
            }
        }
        walk(&mut text, chars, 7);
    }
}
