// The @mention grammar of the database, for the page: chatter._mentioned_contacts (sql/deploy/mentions.sql)
// decides who is mentioned and notified; the page only shows the same mentions and suggests usernames.
// The three forms, as in SQL, each found on its own:
//   @[42]          a user by id (1-18 digits)
//   @"Full Name"   a contact by name: 1-200 characters, none of " < >
//   @username      a letter, digit or _ at both ends, . and - inside; not after a letter, digit, _, . or @
//                  (so bob@example.com mentions nobody). Group 2 is the username, group 1 what precedes @.
// SQL's [[:alnum:]] (lc_ctype C.UTF-8) is every letter and digit, not ASCII only: \p{L}\p{N} here.
// tests/test_mentions_grammar.py runs these and the deployed function on the same strings: change both.

export const MENTION_ID = /@\[([0-9]{1,18})\]/gu;
export const MENTION_NAME = /@"([^"<>]{1,200})"/gu;
export const MENTION_USERNAME = /(^|[^\p{L}\p{N}_.@])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)/gu;

// A username being typed just before the caret (the suggestions' query): the same characters, ending
// anywhere. At most 200 of them, as many as /api/users?q= takes.
export const MENTION_TYPING = /(^|[^\p{L}\p{N}_.@])@((?:[\p{L}\p{N}_][\p{L}\p{N}_.-]{0,199})?)$/u;

/** Every mention in `text` as SQL finds it: {ids, names, usernames}, each in order of appearance. */
export function mentionsIn(text) {
  const all = (re, group) => [...text.matchAll(re)].map((m) => m[group]);
  return { ids: all(MENTION_ID, 1), names: all(MENTION_NAME, 1), usernames: all(MENTION_USERNAME, 2) };
}

/** The spans of `text` to show as mentions, [start, end) without overlaps, in order. */
export function mentionSpans(text) {
  const spans = [];
  for (const m of text.matchAll(MENTION_ID)) spans.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(MENTION_NAME)) spans.push([m.index, m.index + m[0].length]);
  for (const m of text.matchAll(MENTION_USERNAME)) spans.push([m.index + m[1].length, m.index + m[0].length]);
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const kept = [];
  for (const span of spans) {
    if (!kept.length || span[0] >= kept[kept.length - 1][1]) kept.push(span);
  }
  return kept;
}
