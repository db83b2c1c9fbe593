/// SplitMix64: the same `--seed` gives the same shape of data. Written here rather than adding
/// a random-number crate for a dozen lines; nothing secret comes from it (keys use ring's
/// system random).
pub(super) struct Random(u64);

impl Random {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(super) fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Random;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_below_stays_below() {
        let (mut a, mut b) = (Random::new(7), Random::new(7));
        let drawn: Vec<u64> = (0..100).map(|_| a.below(11)).collect();
        assert_eq!(drawn, (0..100).map(|_| b.below(11)).collect::<Vec<_>>());
        assert!(drawn.iter().all(|n| *n < 11));
        assert!((0..11).all(|n| drawn.contains(&n)), "every value turns up");
    }
}
