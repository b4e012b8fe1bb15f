//! Which reply codes count as "alive" (`alive_codes` modparam), pure logic.

/// A set of SIP reply codes 100..=699 as a bitmap (bits 0..704: 699 needs 11 words).
#[derive(Clone, Copy)]
pub struct Codes([u64; 11]);

impl Codes {
    /// Parses a comma-separated list of codes (`404`) and classes (`2xx`).
    pub fn parse(spec: &str) -> Result<Codes, String> {
        let mut c = Codes([0; 11]);
        for item in spec.split(',').map(str::trim) {
            let b = item.as_bytes();
            if b.len() != 3 || !(b'1'..=b'6').contains(&b[0]) {
                return Err(format!("bad reply code or class '{item}'"));
            }
            if b[1..].eq_ignore_ascii_case(b"xx") {
                let base = u32::from(b[0] - b'0') * 100;
                for code in base..base + 100 {
                    c.set(code);
                }
            } else {
                let code: u32 = item
                    .parse()
                    .map_err(|_| format!("bad reply code '{item}'"))?;
                c.set(code);
            }
        }
        Ok(c)
    }

    fn set(&mut self, code: u32) {
        let i = code as usize;
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, code: i32) -> bool {
        (100..700).contains(&code) && {
            let i = code as usize;
            self.0[i / 64] & (1 << (i % 64)) != 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_codes() {
        let c = Codes::parse("2xx, 404,405").unwrap();
        assert!(c.contains(200) && c.contains(299) && c.contains(404) && c.contains(405));
        assert!(!c.contains(300) && !c.contains(503) && !c.contains(408) && !c.contains(0));
        assert!(!c.contains(-1) && !c.contains(700));
    }

    /// Found by `make fuzz` (alive_codes): codes 640..=699 indexed past a 10-word bitmap.
    #[test]
    fn codes_640_to_699() {
        let c = Codes::parse("6xx").unwrap();
        assert!(c.contains(600) && c.contains(639) && c.contains(640) && c.contains(699));
        assert!(!c.contains(599) && !c.contains(700));
        let c = Codes::parse("2xx").unwrap();
        assert!(!c.contains(603) && !c.contains(650) && !c.contains(699));
        let c = Codes::parse("650").unwrap();
        assert!(c.contains(650) && !c.contains(649) && !c.contains(651));
    }

    #[test]
    fn bad_specs() {
        for s in ["", "2x", "7xx", "099", "20a", "2xx,", "abc"] {
            assert!(Codes::parse(s).is_err(), "{s}");
        }
    }
}
