// Evidence snippets with the matched phrases marked, built from text nodes and <mark>
// elements only (the sentence and phrases come from article text).

/** Character ranges [start, end) of each phrase in the sentence, merged when they overlap. */
export function phraseRanges(sentence, phrases) {
  const haystack = sentence.toLowerCase();
  const ranges = [];
  for (const phrase of new Set(phrases.filter(Boolean))) {
    const needle = phrase.toLowerCase();
    let from = 0;
    let at;
    while ((at = haystack.indexOf(needle, from)) !== -1) {
      ranges.push([at, at + needle.length]);
      from = at + needle.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

/** A fragment: the sentence as text, each phrase occurrence wrapped in <mark>. */
export function highlighted(sentence, phrases) {
  const fragment = document.createDocumentFragment();
  let cursor = 0;
  for (const [start, end] of phraseRanges(sentence, phrases)) {
    if (start > cursor) fragment.append(document.createTextNode(sentence.slice(cursor, start)));
    const mark = document.createElement("mark");
    mark.textContent = sentence.slice(start, end);
    fragment.append(mark);
    cursor = end;
  }
  if (cursor < sentence.length) fragment.append(document.createTextNode(sentence.slice(cursor)));
  return fragment;
}

/** Evidence grouped by sentence (most phrases first), with every phrase found in each. */
export function evidenceBySentence(alert) {
  const groups = new Map();
  for (const category of alert.categories) {
    for (const evidence of category.evidence) {
      const group = groups.get(evidence.sentence) || { sentence: evidence.sentence, phrases: [], categories: new Set() };
      group.phrases.push(evidence.phrase);
      group.categories.add(category.category);
      groups.set(evidence.sentence, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.phrases.length - a.phrases.length);
}
