//! Per-destination latency and outcome statistics (pure logic, kept in each destination's
//! record in shm): round-trip time last/min/max, mean and standard deviation (Welford's
//! online algorithm, since the last reset), an EWMA estimate, and failures by class.

kamailio::shm_safe! {
    /// The statistics of one destination since its last reset.
    #[derive(Clone, Copy, Default, Debug, PartialEq)]
    pub struct Latency {
        /// Replies measured.
        pub samples: u32,
        pub last_us: u32,
        pub min_us: u32,
        pub max_us: u32,
        /// The EWMA estimate (µs; 0: never measured).
        pub ewma_us: u32,
        pub mean_us: f64,
        /// Sum of squared differences from the mean (Welford).
        pub m2: f64,
        pub fail_4xx: u32,
        pub fail_5xx: u32,
        pub fail_6xx: u32,
        /// Replies not alive with another code (1xx-3xx not in `alive_codes`).
        pub fail_other: u32,
        pub fail_timeout: u32,
        pub fail_send: u32,
    }
}

/// A probe's failure class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    Code(i32),
    Timeout,
    Send,
}

impl Latency {
    /// Records a round-trip time; `alpha` is the EWMA's weight of the old estimate in
    /// thousandths (900: new = 0.9 old + 0.1 sample).
    pub fn sample(&mut self, rtt_us: u32, alpha: u32) {
        self.samples = self.samples.saturating_add(1);
        self.last_us = rtt_us;
        if self.samples == 1 {
            self.min_us = rtt_us;
            self.max_us = rtt_us;
        } else {
            self.min_us = self.min_us.min(rtt_us);
            self.max_us = self.max_us.max(rtt_us);
        }
        let x = f64::from(rtt_us);
        let delta = x - self.mean_us;
        self.mean_us += delta / f64::from(self.samples);
        self.m2 += delta * (x - self.mean_us);
        self.ewma_us = if self.ewma_us == 0 {
            rtt_us.max(1)
        } else {
            let a = u64::from(alpha.min(1000));
            ((u64::from(self.ewma_us) * a + u64::from(rtt_us) * (1000 - a) + 500) / 1000).max(1)
                as u32
        };
    }

    /// Counts a failure by its class.
    pub fn fail(&mut self, f: Failure) {
        let c = match f {
            Failure::Code(400..=499) => &mut self.fail_4xx,
            Failure::Code(500..=599) => &mut self.fail_5xx,
            Failure::Code(600..=699) => &mut self.fail_6xx,
            Failure::Code(_) => &mut self.fail_other,
            Failure::Timeout => &mut self.fail_timeout,
            Failure::Send => &mut self.fail_send,
        };
        *c = c.saturating_add(1);
    }

    /// The population standard deviation of the samples (0 below two).
    pub fn stddev_us(&self) -> f64 {
        if self.samples < 2 {
            0.0
        } else {
            (self.m2 / f64::from(self.samples)).max(0.0).sqrt()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_the_direct_formulas() {
        let xs = [20_000u32, 80_000, 20_500, 79_000, 50_000, 31_000, 69_999];
        let mut l = Latency::default();
        for &x in &xs {
            l.sample(x, 900);
        }
        let n = xs.len() as f64;
        let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
        let var = xs
            .iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!((l.mean_us - mean).abs() < 1e-6);
        assert!((l.stddev_us() - var.sqrt()).abs() < 1e-6);
        assert_eq!((l.min_us, l.max_us, l.last_us), (20_000, 80_000, 69_999));
        assert_eq!(l.samples, 7);
        // the EWMA by hand
        let mut e = f64::from(xs[0]);
        for &x in &xs[1..] {
            e = 0.9 * e + 0.1 * f64::from(x);
        }
        assert!((f64::from(l.ewma_us) - e).abs() <= 3.0, "{} {e}", l.ewma_us);
    }

    #[test]
    fn ewma_weight_and_edges() {
        let mut l = Latency::default();
        l.sample(1000, 0);
        l.sample(3000, 0);
        assert_eq!(l.ewma_us, 3000, "alpha 0: the last sample");
        l.sample(9000, 500);
        assert_eq!(l.ewma_us, 6000);
        l.sample(0, 1000);
        assert_eq!(l.ewma_us, 6000, "alpha 1000: never moves");
        let mut z = Latency::default();
        z.sample(0, 900);
        assert_eq!(z.ewma_us, 1, "a measured 0 is not 'never measured'");
        assert_eq!(z.stddev_us(), 0.0);
    }

    #[test]
    fn failures_by_class() {
        let mut l = Latency::default();
        for f in [
            Failure::Code(404),
            Failure::Code(503),
            Failure::Code(500),
            Failure::Code(603),
            Failure::Code(302),
            Failure::Timeout,
            Failure::Send,
        ] {
            l.fail(f);
        }
        assert_eq!(
            (
                l.fail_4xx,
                l.fail_5xx,
                l.fail_6xx,
                l.fail_other,
                l.fail_timeout,
                l.fail_send
            ),
            (1, 2, 1, 1, 1, 1)
        );
    }
}
