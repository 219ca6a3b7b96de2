// One runner step in SurveyJS (survey-core), the same questionnaire as
// benches/forms.rs: 500 number questions, each visible only if the one
// before is above 0. With every answer at 1, set q250 alternately to 0 and 1
// and read the progress. Prints the median and 99th percentile in µs.
//
// usage: node step.js STEPS page|single
//   page:   one question per page, as Kohort shows one item per screen;
//           progress is the visible page count and progress value.
//   single: all questions on one page; progress is getProgressInfo().
const Survey = require("survey-core");

const steps = Number(process.argv[2] || 2000);
const layout = process.argv[3] || "page";
const n = 500;
const elements = [];
for (let i = 0; i < n; i++) {
  const e = { type: "text", inputType: "number", name: "q" + i };
  if (i > 0) e.visibleIf = "{q" + (i - 1) + "} > 0";
  elements.push(e);
}
const pages =
  layout === "single"
    ? [{ name: "p", elements }]
    : elements.map((e, i) => ({ name: "p" + i, elements: [e] }));
const model = new Survey.Model({ pages });
for (let i = 0; i < n; i++) model.setValue("q" + i, 1);

const progress =
  layout === "single"
    ? () => model.getProgressInfo()
    : () => [model.visiblePageCount, model.progressValue, model.getProgressInfo()];

// The step must change visibility. SurveyJS conditions still see a hidden
// question's value, so q250 = 0 hides q251 only, where Kohort (hidden counts
// as missing) hides the 249 after it; SurveyJS re-runs every condition
// either way.
const hiddenAfter = (v) => {
  model.setValue("q250", v);
  return model.getAllQuestions().filter((q) => !q.isVisible).map((q) => q.name);
};
const hidden = hiddenAfter(0);
if (hidden.join() !== "q251" || hiddenAfter(1).length !== 0) {
  console.error(`the step does not toggle q251 in SurveyJS (hidden: ${hidden.join()})`);
  process.exit(1);
}

const times = [];
let flip = 1;
for (let k = 0; k < steps + 200; k++) {
  flip = 1 - flip;
  const t0 = process.hrtime.bigint();
  model.setValue("q250", flip);
  progress();
  const t1 = process.hrtime.bigint();
  if (k >= 200) times.push(Number(t1 - t0) / 1000);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
console.log(at(0.5).toFixed(3), at(0.99).toFixed(3));
