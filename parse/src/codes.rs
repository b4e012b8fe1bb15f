//! Which reply codes count as "alive" (`alive_codes` modparam), pure logic.

/// Bits of the bitmap: one per code 0..=699 (codes below 100 are never set).
const BITS: usize = 700;

/// Why a list of reply codes was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodesError {
    /// Not three characters, or not starting with 1-6.
    #[error("bad reply code or class '{0}'")]
    BadItem(String),
    #[error("bad reply code '{0}'")]
    BadCode(String),
}

/// A set of SIP reply codes 100..=699 as a bitmap.
#[derive(Clone, Copy)]
pub struct Codes([u64; BITS.div_ceil(64)]);

impl Codes {
    /// Parses a comma-separated list of codes (`404`) and classes (`2xx`).
    pub fn parse(spec: &str) -> Result<Codes, CodesError> {
        let mut c = Codes([0; BITS.div_ceil(64)]);
        for item in spec.split(',').map(str::trim) {
            let b = item.as_bytes();
            if b.len() != 3 || !(b'1'..=b'6').contains(&b[0]) {
                return Err(CodesError::BadItem(item.to_string()));
            }
            if b[1..].eq_ignore_ascii_case(b"xx") {
                let base = u32::from(b[0] - b'0') * 100;
                for code in base..base + 100 {
                    c.set(code);
                }
            } else {
                let code: u32 = item
                    .parse()
                    .map_err(|_| CodesError::BadCode(item.to_string()))?;
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

    #[test]
    fn every_code_up_to_699() {
        let c = Codes::parse("6xx").unwrap();
        assert!((600..700).all(|code| c.contains(code)));
        assert!(!c.contains(599) && !c.contains(700));
        let c = Codes::parse("640,650,699").unwrap();
        assert!(c.contains(640) && c.contains(650) && c.contains(699) && !c.contains(698));
        let all = Codes::parse("1xx,2xx,3xx,4xx,5xx,6xx").unwrap();
        assert!((100..700).all(|code| all.contains(code)));
        let two = Codes::parse("2xx").unwrap();
        assert!((640..700).all(|code| !two.contains(code)));
    }

    #[test]
    fn bad_specs() {
        for s in ["", "2x", "7xx", "099", "20a", "2xx,", "abc"] {
            assert!(Codes::parse(s).is_err(), "{s}");
        }
    }
}
