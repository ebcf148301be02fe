/* Dashboard charts: one ECharts instance per chart, data from the page's json_script. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var charts = JSON.parse(source.textContent);
  var colors = ["#c8102e", "#f59e0b", "#2563eb", "#059669"];
  var made = [];
  charts.forEach(function (chart) {
    var box = document.getElementById("chart-" + chart.key);
    if (!box) { return; }
    var horizontal = chart.kind === "bar" && chart.labels.length > 6;
    var category = { type: "category", data: chart.labels, axisLabel: { interval: 0, fontSize: 11, width: 90, overflow: "truncate" } };
    var value = { type: "value", name: chart.unit || "", axisLabel: { fontSize: 11 } };
    var option = {
      color: colors,
      tooltip: { trigger: "axis" },
      legend: { show: chart.series.length > 1, top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 16, top: chart.series.length > 1 ? 28 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: chart.series.map(function (s) {
        return { name: s.name, type: chart.kind === "line" ? "line" : "bar", data: s.data, smooth: true,
                 label: { show: chart.labels.length <= 12, position: horizontal ? "right" : "top", fontSize: 10 } };
      })
    };
    if (horizontal) { box.style.height = Math.max(240, chart.labels.length * 26 + 40) + "px"; }
    var instance = window.echarts.init(box, null, { renderer: "svg" });
    instance.setOption(option);
    made.push(instance);
  });
  window.addEventListener("resize", function () { made.forEach(function (c) { c.resize(); }); });
})();
