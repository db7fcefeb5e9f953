// SVG pictures of results: a bar chart and a word cloud. They are decoration for
// sighted readers (aria-hidden); the table next to them carries the same numbers.
// Drawn at the width they are shown at, so text keeps its size on a phone;
// `scale` enlarges everything for the present view.
const NS = "http://www.w3.org/2000/svg";
const FALLBACK_WIDTH = 600;

function widthOf(container) {
  return Math.max(260, Math.round(container.clientWidth || FALLBACK_WIDTH));
}

function svgEl(tag, attributes = {}, text = null) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function frame(width, height) {
  return svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    preserveAspectRatio: "xMinYMin meet",
    "aria-hidden": "true",
    focusable: "false",
    class: "poll-svg",
  });
}

// Right to left, SVG text anchors at its right end: a chart built left to right would
// draw its labels off the picture. Charts in such pages are mirrored instead.
function isRtl(container) {
  return getComputedStyle(container).direction === "rtl";
}

// One bar per row, longest = the largest value; the label above, the figures at the far end.
export function barChart(rows, figure, container, scale = 1) {
  const width = widthOf(container);
  const rtl = isRtl(container);
  const font = 15 * scale;
  const labelHeight = 22 * scale;
  const barHeight = 24 * scale;
  const gap = 12 * scale;
  const rowHeight = labelHeight + barHeight + gap;
  const svg = frame(width, Math.max(rowHeight, rows.length * rowHeight - gap));
  const max = Math.max(1, ...rows.map((row) => row.value));
  const characters = Math.floor(width / (font * 0.55));
  rows.forEach((row, index) => {
    const y = index * rowHeight;
    const figures = figure(row);
    // "start" and "end" follow the text's direction: at the right edge when right to left.
    svg.append(
      svgEl("text", { x: rtl ? width : 0, y: y + font, "font-size": font, class: "poll-bar-label" },
        shorten(row.label, Math.max(8, characters - figures.length - 2))),
      svgEl("text", { x: rtl ? 0 : width, y: y + font, "font-size": font, "text-anchor": "end", class: "poll-bar-figure" }, figures),
      svgEl("rect", { x: 0, y: y + labelHeight, width, height: barHeight, rx: 4, class: "poll-bar-track" }),
    );
    if (row.value > 0) {
      const length = Math.max(4, (width * row.value) / max);
      svg.append(svgEl("rect", {
        x: rtl ? width - length : 0, y: y + labelHeight, width: length, height: barHeight, rx: 4, class: `poll-bar poll-bar-${index % 4}`,
      }));
    }
  });
  container.append(svg);
  return svg;
}

// Words sized by how many people gave them, the most frequent first, laid out in
// centred lines. Widths are measured once the SVG is on the page, estimated otherwise.
export function wordCloud(rows, container, scale = 1) {
  const width = widthOf(container);
  const words = rows.slice(0, 60);
  const max = Math.max(1, ...words.map((row) => row.value));
  const min = Math.min(...words.map((row) => row.value), max);
  const biggest = Math.min(56 * scale, width / 8);
  const smallest = 15 * scale;
  const sizeOf = (value) => (max === min ? (smallest + biggest) / 2
    : smallest + (biggest - smallest) * Math.sqrt((value - min) / (max - min)));
  const svg = frame(width, 100);
  container.append(svg);
  // Words are placed by their left edge: "end" is the left edge when right to left.
  const anchor = isRtl(container) ? "end" : "start";
  const placed = words.map((row, index) => {
    let size = Math.round(sizeOf(row.value));
    const text = svgEl("text", { "font-size": size, "text-anchor": anchor, class: `poll-word poll-word-${index % 4}` }, shorten(row.label, 40));
    svg.append(text);
    let measured = 0;
    try { measured = text.getComputedTextLength(); } catch { measured = 0; }
    measured = measured || row.label.length * size * 0.62;
    if (measured > width) { // a long phrase in big letters: smaller, so it stays in the picture
      const fitted = Math.floor((size * width) / measured);
      measured = (measured * fitted) / size;
      size = fitted;
      text.setAttribute("font-size", size);
    }
    return { text, size, width: measured };
  });
  const spacing = 14 * scale;
  const lines = [];
  let line = null;
  for (const word of placed) {
    if (!line || line.width + spacing + word.width > width) {
      line = { words: [], width: -spacing, height: 0 };
      lines.push(line);
    }
    line.words.push(word);
    line.width += spacing + word.width;
    line.height = Math.max(line.height, word.size * 1.25);
  }
  let y = 0;
  for (const { words: lineWords, width: lineWidth, height } of lines) {
    let x = Math.max(0, (width - lineWidth) / 2);
    y += height;
    for (const word of lineWords) {
      word.text.setAttribute("x", x.toFixed(1));
      word.text.setAttribute("y", (y - height * 0.25).toFixed(1));
      x += word.width + spacing;
    }
  }
  svg.setAttribute("viewBox", `0 0 ${width} ${Math.max(60, Math.ceil(y))}`);
  return svg;
}
