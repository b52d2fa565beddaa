//! Key distributions: which of the `keys` key indexes an operation touches.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

/// How operations pick a key index in `0..keys`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyDist {
    /// Every key equally likely.
    Uniform,
    /// Zipf with exponent `s >= 0`: index `i` is picked with probability
    /// proportional to `1 / (i + 1)^s`, so index 0 (`key:000000`) is the
    /// hottest key. `s = 0` is uniform; YCSB's skewed workloads use 0.99.
    Zipf(f64),
}

impl KeyDist {
    /// A sampler over `0..keys`. `keys` must be at least 1.
    pub fn sampler(self, keys: u64) -> Sampler {
        assert!(keys >= 1, "a key distribution needs at least one key");
        let kind = match self {
            KeyDist::Uniform => Kind::Uniform,
            KeyDist::Zipf(s) => Kind::Zipf(Zipf::new(keys, s)),
        };
        Sampler { keys, kind }
    }
}

impl FromStr for KeyDist {
    type Err = String;

    /// `uniform`, `zipf` (exponent 0.99) or `zipf:<s>`.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "uniform" => Ok(KeyDist::Uniform),
            "zipf" => Ok(KeyDist::Zipf(0.99)),
            _ => {
                let s = text.strip_prefix("zipf:").ok_or_else(|| {
                    format!("unknown distribution {text:?} (uniform or zipf:<s>)")
                })?;
                match s.parse::<f64>() {
                    Ok(s) if s.is_finite() && (0.0..=100.0).contains(&s) => Ok(KeyDist::Zipf(s)),
                    _ => Err(format!(
                        "zipf exponent {s:?} must be a number from 0 to 100 (e.g. zipf:0.99)"
                    )),
                }
            }
        }
    }
}

impl fmt::Display for KeyDist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDist::Uniform => f.write_str("uniform"),
            KeyDist::Zipf(s) => write!(f, "zipf:{s}"),
        }
    }
}

/// Draws key indexes in `0..keys` from a [`KeyDist`].
#[derive(Debug, Clone)]
pub struct Sampler {
    keys: u64,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Uniform,
    Zipf(Zipf),
}

impl Sampler {
    /// One key index, in `0..keys`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        match &self.kind {
            Kind::Uniform => rng.random_range(0..self.keys),
            Kind::Zipf(zipf) => zipf.sample(rng) - 1,
        }
    }

    /// The number of keys sampled from.
    pub fn keys(&self) -> u64 {
        self.keys
    }
}

/// Zipf over ranks `1..=n` by rejection-inversion (Hörmann and Derflinger,
/// "Rejection-inversion to generate variates from monotone discrete
/// distributions", 1996), as in Apache Commons RNG's
/// `RejectionInversionZipfSampler`: O(1) set-up and memory whatever `n` is,
/// and on average a little over one iteration per sample.
///
/// `h(x) = x^-s` is the (continuous) density; `h_integral` is an
/// antiderivative of it and `h_integral_inverse` its inverse. A uniform point
/// in the area under `h` from 1.5 to n + 0.5, minus a small correction for
/// rank 1, is mapped back through the inverse and rounded; the rejection
/// test makes the result exactly Zipf-distributed.
#[derive(Debug, Clone)]
struct Zipf {
    n: f64,
    s: f64,
    h_integral_x1: f64,
    h_integral_n: f64,
    /// Samples whose rounding error is below this are accepted at once.
    accept: f64,
}

impl Zipf {
    fn new(n: u64, s: f64) -> Zipf {
        let mut zipf = Zipf {
            n: n as f64,
            s,
            h_integral_x1: 0.0,
            h_integral_n: 0.0,
            accept: 0.0,
        };
        zipf.h_integral_x1 = zipf.h_integral(1.5) - 1.0;
        zipf.h_integral_n = zipf.h_integral(zipf.n + 0.5);
        zipf.accept = 2.0 - zipf.h_integral_inverse(zipf.h_integral(2.5) - zipf.h(2.0));
        zipf
    }

    /// A rank in `1..=n`.
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        loop {
            let u =
                self.h_integral_n + rng.random::<f64>() * (self.h_integral_x1 - self.h_integral_n);
            let x = self.h_integral_inverse(u);
            let k = (x + 0.5).floor().clamp(1.0, self.n);
            if k - x <= self.accept || u >= self.h_integral(k + 0.5) - self.h(k) {
                return k as u64;
            }
        }
    }

    fn h(&self, x: f64) -> f64 {
        (-self.s * x.ln()).exp()
    }

    /// `(x^(1-s) - 1) / (1-s)`, and `ln x` when `s = 1`, computed without
    /// cancellation near `s = 1`.
    fn h_integral(&self, x: f64) -> f64 {
        let log_x = x.ln();
        expm1_over_x((1.0 - self.s) * log_x) * log_x
    }

    fn h_integral_inverse(&self, x: f64) -> f64 {
        let t = (x * (1.0 - self.s)).max(-1.0);
        (ln1p_over_x(t) * x).exp()
    }
}

/// `ln(1 + x) / x`, continuous at 0.
fn ln1p_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.ln_1p() / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }
}

/// `(e^x - 1) / x`, continuous at 0.
fn expm1_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.exp_m1() / x
    } else {
        1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn histogram(dist: KeyDist, keys: u64, samples: usize) -> Vec<u64> {
        let sampler = dist.sampler(keys);
        let mut rng = StdRng::seed_from_u64(7);
        let mut counts = vec![0u64; keys as usize];
        for _ in 0..samples {
            let k = sampler.sample(&mut rng);
            assert!(k < keys, "sample {k} out of 0..{keys}");
            counts[k as usize] += 1;
        }
        counts
    }

    /// zipf:0.99 over 100k keys stays in range and puts far more mass on the
    /// hottest key than uniform does (about 8% against 0.001%).
    #[test]
    fn zipf_is_skewed_and_in_range() {
        let samples = 1_000_000;
        let zipf = histogram(KeyDist::Zipf(0.99), 100_000, samples);
        let uniform = histogram(KeyDist::Uniform, 100_000, samples);
        let hottest = zipf[0] as f64 / samples as f64;
        // H(100000, 0.99) is about 12.1, so P(rank 1) is about 0.083.
        assert!((0.07..0.10).contains(&hottest), "P(hottest) = {hottest}");
        let uniform_max = *uniform.iter().max().unwrap();
        assert!(zipf[0] > 100 * uniform_max, "{} vs {uniform_max}", zipf[0]);
        // Rank 2 gets about 2^-0.99 of rank 1's share.
        let ratio = zipf[1] as f64 / zipf[0] as f64;
        assert!((0.46..0.55).contains(&ratio), "p2/p1 = {ratio}");
        // The tail is reached too.
        assert!(zipf[50_000..].iter().sum::<u64>() > 0);
    }

    /// Over a small range the zipf sampler matches the exact probabilities,
    /// for exponents below, at and above 1.
    #[test]
    fn zipf_matches_exact_pmf() {
        let samples = 400_000;
        for s in [0.0, 0.5, 0.99, 1.0, 1.5] {
            let counts = histogram(KeyDist::Zipf(s), 10, samples);
            let weights: Vec<f64> = (1..=10).map(|k| (k as f64).powf(-s)).collect();
            let total: f64 = weights.iter().sum();
            for (k, (&count, w)) in counts.iter().zip(&weights).enumerate() {
                let expected = w / total;
                let got = count as f64 / samples as f64;
                assert!(
                    (got - expected).abs() < 0.005,
                    "s={s} k={k}: got {got}, expected {expected}"
                );
            }
        }
    }

    /// Uniform sampling hits every key of a small range, and nothing outside.
    #[test]
    fn uniform_covers_the_range() {
        let counts = histogram(KeyDist::Uniform, 1000, 100_000);
        assert!(counts.iter().all(|&c| c > 0), "a key was never drawn");
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*min > 50 && *max < 160, "min {min}, max {max}");
        assert_eq!(histogram(KeyDist::Zipf(2.0), 1, 1000), vec![1000]);
    }

    /// Distributions parse and print back.
    #[test]
    fn parses() {
        assert_eq!("uniform".parse(), Ok(KeyDist::Uniform));
        assert_eq!("zipf:0.99".parse(), Ok(KeyDist::Zipf(0.99)));
        assert_eq!("zipf".parse(), Ok(KeyDist::Zipf(0.99)));
        assert_eq!(KeyDist::Zipf(1.2).to_string(), "zipf:1.2");
        for bad in ["zipf:", "zipf:-1", "zipf:nan", "zipf:inf", "normal"] {
            assert!(bad.parse::<KeyDist>().is_err(), "{bad:?} parsed");
        }
    }
}
