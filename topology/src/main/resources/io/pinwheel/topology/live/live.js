// The live page: polls api/status once a second, charts the samples with uPlot, shows the serving
// model with its filters (api/model, fetched again when the model changes) and the reload timeline.
// Read-only: it only ever sends GET requests to the server that served it.
(function () {
  'use strict';

  var POLL_MS = 1000;
  var colors = { in: '#2563eb', out: '#16a34a', dead: '#dc2626', p50: '#2563eb', p95: '#d97706', p99: '#dc2626' };
  var reasonColors = ['#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#a16207'];
  var resultColors = { accepted: '#16a34a', rejected: '#dc2626', ignored: '#9ca3af' };

  var charts = [
    { id: 'rates', title: 'Frames per second', unit: '/s', series: [
      ['framesIn', 'in', colors.in], ['featuresOut', 'features out', colors.out], ['deadLetters', 'dead letters', colors.dead]],
      markers: true },
    { id: 'dead-letters', title: 'Dead letters per second by reason', unit: '/s', byReason: true },
    { id: 'latency', title: 'End-to-end latency', unit: 'ms', series: percentiles('latency') },
    { id: 'decode', title: 'Decode time per frame', unit: 'ms', series: percentiles('decode') },
    { id: 'encode', title: 'Encode time per frame', unit: 'ms', series: percentiles('encode') },
    { id: 'density', title: 'Code density (non-zero fraction)', unit: '', series: [
      ['densityP50', 'p50', colors.p50], ['densityP99', 'p99', colors.p99]] },
    { id: 'lag', title: 'Consumer lag on the frames topic', unit: 'records', series: [['lag', 'records behind', colors.in]] }
  ];

  var samples = null;      // columnar, as the server sends them, t in epoch ms
  var capacity = 600;
  var last = 0;
  var reloads = [];
  var modelKey = null;
  var allReasons = [];

  function percentiles(prefix) {
    return [[prefix + 'P50', 'p50', colors.p50], [prefix + 'P95', 'p95', colors.p95], [prefix + 'P99', 'p99', colors.p99]];
  }

  function $(id) { return document.getElementById(id); }

  function text(id, value) { $(id).textContent = value; }

  function time(ms) { return new Date(ms).toLocaleTimeString([], { hour12: false }); }

  function dateTime(ms) { return new Date(ms).toLocaleString([], { hour12: false }); }

  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 60) { return s + ' s ago'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min ' + (s % 60) + ' s ago'; }
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min ago';
  }

  function fmt(v) {
    if (v === null || v === undefined) { return '–'; }
    var a = Math.abs(v);
    if (a >= 1000) { return Math.round(v).toLocaleString(); }
    if (a >= 100) { return v.toFixed(0); }
    if (a >= 10) { return v.toFixed(1); }
    if (a >= 1) { return v.toFixed(2); }
    return v.toPrecision(2);
  }

  function buildCharts() {
    var host = $('charts');
    charts.forEach(function (c) {
      var card = document.createElement('div');
      card.className = 'card chart';
      card.id = 'chart-' + c.id;
      var h = document.createElement('h2');
      h.innerHTML = '';
      h.appendChild(document.createTextNode(c.title + ' '));
      var unit = document.createElement('span');
      unit.className = 'unit muted';
      unit.textContent = c.unit ? '(' + c.unit + ')' : '';
      h.appendChild(unit);
      card.appendChild(h);
      var plot = document.createElement('div');
      plot.className = 'plot';
      plot.dataset.points = '0';
      card.appendChild(plot);
      host.insertBefore(card, $('reloads-card'));
      c.el = plot;
    });
  }

  // The reasons that have dead letters so far, in a fixed order so each keeps its colour.
  function activeReasons(totals) {
    return Object.keys(totals).sort().filter(function (r) { return totals[r] > 0; });
  }

  function makePlot(c) {
    if (c.byReason) {
      c.series = c.reasons.map(function (r) {
        var i = allReasons.indexOf(r);
        return ['deadLettersByReason.' + r, r, reasonColors[(i < 0 ? 0 : i) % reasonColors.length]];
      });
    }
    var series = [{}].concat(c.series.map(function (s) {
      return { label: s[1], stroke: s[2], width: 1.5, points: { show: false },
        value: function (u, v) { return fmt(v); } };
    }));
    var opts = {
      width: Math.max(300, c.el.clientWidth),
      height: 200,
      series: series,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, c.unit === '' ? 0.01 : 1)]; } } },
      axes: [{}, { size: 56, values: function (u, vals) { return vals.map(fmt); } }],
      legend: { live: true },
      hooks: c.markers ? { draw: [drawMarkers] } : {}
    };
    c.plot = new uPlot(opts, columns(c), c.el);
  }

  // Vertical lines at each reload: green accepted, red rejected, gray ignored.
  function drawMarkers(u) {
    var ctx = u.ctx;
    var xs = u.scales.x;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    reloads.forEach(function (r) {
      var x = r.at / 1000;
      if (xs.min === null || x < xs.min || x > xs.max) { return; }
      var px = Math.round(u.valToPos(x, 'x', true));
      ctx.strokeStyle = resultColors[r.result] || '#9ca3af';
      ctx.setLineDash(r.result === 'accepted' ? [] : [4 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(px, u.bbox.top);
      ctx.lineTo(px, u.bbox.top + u.bbox.height);
      ctx.stroke();
    });
    ctx.restore();
  }

  function column(key) {
    if (key.indexOf('deadLettersByReason.') === 0) {
      return samples.deadLettersByReason[key.substring('deadLettersByReason.'.length)] || [];
    }
    return samples[key] || [];
  }

  function columns(c) {
    var t = samples.t.map(function (ms) { return ms / 1000; });
    return [t].concat(c.series.map(function (s) { return column(s[0]); }));
  }

  function points(c) {
    var n = 0;
    c.series.forEach(function (s) {
      column(s[0]).forEach(function (v) { if (v !== null) { n++; } });
    });
    return n;
  }

  function merge(incoming) {
    if (samples === null) { samples = incoming; return; }
    Object.keys(incoming).forEach(function (k) {
      if (k === 'deadLettersByReason') {
        Object.keys(incoming[k]).forEach(function (r) {
          samples[k][r] = (samples[k][r] || []).concat(incoming[k][r]);
        });
      } else {
        samples[k] = (samples[k] || []).concat(incoming[k]);
      }
    });
    var extra = samples.t.length - capacity;
    if (extra > 0) {
      Object.keys(samples).forEach(function (k) {
        if (k === 'deadLettersByReason') {
          Object.keys(samples[k]).forEach(function (r) { samples[k][r] = samples[k][r].slice(extra); });
        } else {
          samples[k] = samples[k].slice(extra);
        }
      });
    }
  }

  function render(status) {
    capacity = status.capacity;
    merge(status.samples);
    if (samples.t.length > 0) { last = samples.t[samples.t.length - 1]; }
    reloads = status.reloads;

    var s = status.service;
    text('app', s.applicationId);
    text('topics', s.framesTopic + ' → ' + s.featuresTopic + ' (dead letters ' + s.deadLetterTopic + ')');
    var badge = $('state');
    badge.textContent = s.healthy ? 'UP · ' + s.state : 'DOWN · ' + s.state;
    badge.className = 'badge ' + (s.healthy ? 'up' : 'down');
    text('updated', 'updated ' + time(status.now));

    renderModel(status.model);
    renderTotals(status);
    renderReloads(status.reloads);

    allReasons = Object.keys(status.totals.deadLetters).sort();
    charts.forEach(function (c) {
      if (c.byReason) {
        var reasons = activeReasons(status.totals.deadLetters);
        if (c.plot && reasons.join() !== c.reasons.join()) {
          c.plot.destroy();
          c.plot = null;
        }
        c.reasons = reasons;
        if (reasons.length === 0) {
          c.el.textContent = 'no dead letters yet';
          return;
        }
        if (!c.plot) { c.el.textContent = ''; }
      }
      if (!c.plot) { makePlot(c); } else { c.plot.setData(columns(c)); }
      c.el.dataset.points = String(points(c));
    });
  }

  function renderModel(m) {
    if (!m) {
      text('model-name', 'none');
      text('model-version', '–');
      return;
    }
    text('model-name', m.name);
    text('model-version', String(m.version));
    text('model-since', time(m.since) + ' (' + ago(m.since) + ')');
    text('model-origin', m.origin);
    text('model-created', dateTime(m.createdAt));
    var key = m.name + '/' + m.version + '/' + m.since;
    if (key !== modelKey) {
      modelKey = key;
      fetch('api/model', { cache: 'no-store' })
        .then(function (r) { return r.json(); })
        .then(renderCard)
        .catch(function (e) { showError('could not load the model card: ' + e); });
    }
  }

  function renderCard(doc) {
    if (!doc.model) { return; }
    text('model-input', doc.model.input);
    text('model-layers', doc.model.layers.join(' → '));
    text('model-output', doc.model.output);
    var f = doc.filters;
    var canvas = $('filters');
    if (!f) {
      text('filters-grid', '(none to draw)');
      canvas.width = 1;
      canvas.height = 1;
      return;
    }
    text('filters-grid', f.count + ' filters on ' + (f.topographic ? 'their ' + f.rows + '×' + f.cols + ' topographic torus' : 'a ' + f.rows + '×' + f.cols + ' grid'));
    drawFilters(canvas, f);
    canvas.dataset.filters = String(f.count);
    canvas.dataset.model = doc.model.name + ' v' + doc.model.version;
  }

  // Each filter a tile (0 mid-gray, ±max white/black), tiles on the model's grid with 1-pixel gaps.
  function drawFilters(canvas, f) {
    var tile = f.height * f.width;
    var scale = Math.max(1, Math.floor(Math.min(360 / (f.cols * (f.width + 1)), 360 / (f.rows * (f.height + 1)))));
    var cw = f.width * scale + 1;
    var ch = f.height * scale + 1;
    canvas.width = f.cols * cw + 1;
    canvas.height = f.rows * ch + 1;
    var ctx = canvas.getContext('2d');
    ctx.fillStyle = '#2878c8';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    var img = ctx.createImageData(f.width, f.height);
    var off = document.createElement('canvas');
    off.width = f.width;
    off.height = f.height;
    var octx = off.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    for (var j = 0; j < f.count; j++) {
      var base = j * f.channels * tile;
      for (var i = 0; i < tile; i++) {
        var p = i * 4;
        if (f.channels === 3) {
          // BGR, the extractor's channel order.
          img.data[p] = 128 + f.values[base + 2 * tile + i];
          img.data[p + 1] = 128 + f.values[base + tile + i];
          img.data[p + 2] = 128 + f.values[base + i];
        } else {
          var g = 128 + f.values[base + i];
          img.data[p] = g; img.data[p + 1] = g; img.data[p + 2] = g;
        }
        img.data[p + 3] = 255;
      }
      octx.putImageData(img, 0, 0);
      var x = (j % f.cols) * cw + 1;
      var y = Math.floor(j / f.cols) * ch + 1;
      ctx.drawImage(off, x, y, f.width * scale, f.height * scale);
    }
  }

  function renderTotals(status) {
    var t = status.totals;
    var dead = 0;
    var reasons = $('dead-reasons');
    reasons.textContent = '';
    Object.keys(t.deadLetters).forEach(function (r) {
      dead += t.deadLetters[r];
      if (t.deadLetters[r] > 0) {
        var li = document.createElement('li');
        li.textContent = r + ' ' + t.deadLetters[r].toLocaleString();
        reasons.appendChild(li);
      }
    });
    text('total-in', t.framesIn.toLocaleString());
    text('total-out', t.featuresOut.toLocaleString());
    text('total-dead', dead.toLocaleString());
    var rate = samples.framesIn.length ? samples.framesIn[samples.framesIn.length - 1] : null;
    text('rate-in', fmt(rate));
  }

  function renderReloads(list) {
    var ol = $('reloads');
    ol.textContent = '';
    if (list.length === 0) {
      var none = document.createElement('li');
      none.className = 'empty';
      none.textContent = 'none yet';
      ol.appendChild(none);
      return;
    }
    list.slice().reverse().forEach(function (r) {
      var li = document.createElement('li');
      li.className = r.result;
      var t = document.createElement('time');
      t.textContent = time(r.at);
      li.appendChild(t);
      var res = document.createElement('span');
      res.className = 'result';
      res.textContent = r.result;
      li.appendChild(res);
      if (r.trigger === 'rollout') {
        var tag = document.createElement('span');
        tag.className = 'trigger';
        tag.textContent = 'rollout';
        li.appendChild(tag);
      }
      li.appendChild(document.createTextNode(r.model ? r.model + ' v' + r.version + ' ' : 'unreadable model '));
      var origin = document.createElement('span');
      origin.className = 'muted';
      origin.textContent = 'from ' + r.origin;
      li.appendChild(origin);
      if (r.result !== 'accepted' || r.trigger === 'rollout') {
        var msg = document.createElement('div');
        msg.className = 'message';
        msg.textContent = r.message;
        li.appendChild(msg);
      }
      ol.appendChild(li);
    });
  }

  function showError(message) {
    var e = $('error');
    e.textContent = message;
    e.hidden = !message;
  }

  function poll() {
    fetch('api/status?since=' + last, { cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.json();
      })
      .then(function (status) { render(status); showError(''); })
      .catch(function (e) {
        var badge = $('state');
        badge.textContent = 'unreachable';
        badge.className = 'badge down';
        showError('the service does not answer (' + e.message + '); trying again');
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      if (c.plot) { c.plot.setSize({ width: Math.max(300, c.el.clientWidth), height: 200 }); }
    });
  });

  if (typeof uPlot === 'undefined') {
    showError('the charting library (uplot.js) did not load');
    return;
  }
  buildCharts();
  poll();
})();
