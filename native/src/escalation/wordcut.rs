//! Cutting `spaced` text (field.rs) into words, and comparing words cheaply: the plumbing
//! of the word scan (words.rs).

/// A word as it is compared: its first eight bytes (zero-padded) and its length; a longer
/// word's other bytes are compared only when these agree.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub bytes: u64,
    pub length: usize,
}

impl Head {
    pub fn of(text: &[u8], start: usize, end: usize) -> Self {
        let length = end - start;
        let bytes = match text.get(start..start + 8) {
            Some(eight) => {
                let mut word = [0u8; 8];
                word.copy_from_slice(eight);
                let all = u64::from_le_bytes(word);
                if length >= 8 {
                    all
                } else {
                    all & ((1u64 << (8 * length)) - 1)
                }
            }
            None => {
                text[start..end].iter().take(8).rev().fold(0, |acc, &b| acc << 8 | u64::from(b))
            }
        };
        Head { bytes, length }
    }

    /// A multiplicative hash; its top bits index the filter and the table.
    pub fn hash(self) -> u64 {
        (self.bytes ^ (self.length as u64).rotate_right(8)).wrapping_mul(0x9e_37_79_b9_7f_4a_7c_15)
    }
}

/// The spaces of eight bytes as the low eight bits of a mask (SWAR: a zero-byte test on the
/// bytes xor 0x20, exact, then the bytes' top bits gathered by one multiply).
fn space_bits(eight: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = eight ^ 0x2020_2020_2020_2020;
    let zero = !((x & LOW7).wrapping_add(LOW7) | x | LOW7); // 0x80 where a byte was a space
    ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The spaces of up to 64 bytes as a bit mask (bit i: byte i is a space; past the end too).
fn space_mask(block: &[u8]) -> u64 {
    let mut mask = 0u64;
    for (i, eight) in block.chunks(8).enumerate() {
        let mut word = [b' '; 8];
        word[..eight.len()].copy_from_slice(eight);
        mask |= space_bits(u64::from_le_bytes(word)) << (8 * i);
    }
    if block.len() < 64 {
        mask |= u64::MAX << block.len();
    }
    mask
}

/// Calls `visit(start, end)` for every word (maximal run of bytes other than a space) of
/// `text`, in order. Spaces are found 64 bytes at a time as a bit mask whose bits give the
/// words' starts and ends: no branch per byte, so word lengths do not upset the branch
/// predictor.
pub fn for_each_word(text: &[u8], mut visit: impl FnMut(usize, usize)) {
    let n = text.len();
    let masks: Vec<u64> = text.chunks(64).map(space_mask).collect();
    let mut carry = 1u64; // before the text: a space
    for (index, &spaces) in masks.iter().enumerate() {
        let mut starts = !spaces & (spaces << 1 | carry);
        carry = spaces >> 63;
        while starts != 0 {
            let bit = starts.trailing_zeros();
            starts &= starts - 1;
            let start = index * 64 + bit as usize;
            let after = spaces >> bit; // bit 0 is the word's first byte, not a space
            let end = if after != 0 {
                start + after.trailing_zeros() as usize
            } else {
                // The word runs into the next blocks.
                let mut end = (index + 1) * 64;
                for &later in &masks[index + 1..] {
                    if later != 0 {
                        end += later.trailing_zeros() as usize;
                        break;
                    }
                    end += 64;
                }
                end
            };
            visit(start, end.min(n));
        }
    }
}
