// The criterion rules' arithmetic for the page scripts (sheet.js, review.js), loaded before them. Which kind
// a criterion is worked out by, with its boxes and points, the server says: each rule's `script` and
// `review_script` (scoring/rubrics/rules/). The server works the points out again; its numbers count.
window.vpubRules = (() => {
  "use strict";

  // rollup.component_points, the average rule: an organisation the agency does not have (null) gets the
  // average of those it has; none rated, 0
  function average(ratings) {
    const present = ratings.filter((r) => r !== null);
    if (!present.length) return 0;
    const sum = present.reduce((a, b) => a + b, 0);
    return sum + (sum / present.length) * (ratings.length - present.length);
  }

  // A leaf's points from `spec` (Rule.script); `read(name)` is a box's value, `number(name)` its checked number
  const kinds = {
    typed: (spec, _read, number) => number(spec.box) * Number(spec.scale),
    chosen: (spec, read) => Number(spec.points[read(spec.box)] || 0),
    average: (spec, read) => {
      const ratings = [];
      spec.boxes.forEach((name) => {
        const choice = read(name);
        if (choice === "none") ratings.push(null);
        else if (choice) ratings.push(Number(spec.points[choice] || 0));
      });
      return average(ratings);
    },
  };

  function points(spec, read, number) {
    return kinds[spec.kind](spec, read, number);
  }

  return { average, points };
})();
