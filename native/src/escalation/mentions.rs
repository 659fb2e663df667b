//! Where an article names its country actors (`mentions.MentionIndex`): per field, mention
//! starts in offset order (ties by actor code) with their codes.

#[derive(Default)]
pub struct FieldMentions<'a> {
    pub starts: Vec<usize>,
    pub codes: Vec<&'a str>,
}

pub struct MentionIndex<'a> {
    /// Body, then title (indexed by `usize::from(title)`).
    fields: [FieldMentions<'a>; 2],
}

impl<'a> MentionIndex<'a> {
    /// From (field, start, code) triples, as the reference takes them; fields other than
    /// "title" and "body" cannot occur (schemas.TextField) and are ignored.
    pub fn new(mut mentions: Vec<(&'a str, usize, &'a str)>) -> Self {
        mentions.sort_unstable(); // equal triples are interchangeable
        let mut fields: [FieldMentions<'a>; 2] = Default::default();
        for (field, start, code) in mentions {
            let slot = match field {
                "title" => 1,
                "body" => 0,
                _ => continue,
            };
            fields[slot].starts.push(start);
            fields[slot].codes.push(code);
        }
        MentionIndex { fields }
    }

    pub fn starts(&self, title: bool) -> &[usize] {
        &self.fields[usize::from(title)].starts
    }

    /// Actor codes of the mentions starting in `field[start:end]`, in offset order.
    pub fn codes_between(&self, title: bool, start: usize, end: usize) -> &[&'a str] {
        let field = &self.fields[usize::from(title)];
        let low = field.starts.partition_point(|&s| s < start);
        let high = field.starts.partition_point(|&s| s < end).max(low);
        &field.codes[low..high]
    }
}
