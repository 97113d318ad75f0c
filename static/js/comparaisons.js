/* « Comparer les centres »: the two charts, drawn by Chart.js from the data the page carries
   (json_script "donnees-comparaisons": the values of the tables beside them, and their French texts).
   Without JavaScript the charts stay hidden and the tables say everything. */
(function () {
  "use strict";

  var source = document.getElementById("donnees-comparaisons");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var donnees = JSON.parse(source.textContent);
  var Chart = window.Chart;
  if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    Chart.defaults.animation = false;
  }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  var entiers = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });

  function graduation(valeur) {
    if (donnees.unite === "montant") {
      return euros.format(valeur);
    }
    return entiers.format(valeur) + (donnees.unite === "pourcentage" ? " %" : "");
  }

  function nombres(valeurs) {
    return valeurs.map(function (v) {
      return v === null ? null : Number(v);
    });
  }

  function montrer(nom) {
    var cadre = document.querySelector('[data-graphique="' + nom + '"]');
    cadre.hidden = false;
    return cadre;
  }

  // (a) One bar per centre, horizontal so that the centres' names stay readable, however many.
  var barres = donnees.barres;
  if (barres.libelles.length) {
    var cadreBarres = montrer("barres");
    cadreBarres.querySelector(".graphique").style.height = Math.max(12, 2 * barres.libelles.length + 4) + "rem";
    new Chart(document.getElementById("graphique-barres"), {
      type: "bar",
      data: {
        labels: barres.libelles,
        datasets: [{ label: donnees.indicateur + " " + donnees.annee, data: nombres(barres.valeurs) }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { ticks: { callback: graduation } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (contexte) {
                return barres.textes[contexte.dataIndex];
              },
            },
          },
        },
      },
    });
  }

  // (b) One line per centre (or the chosen one) across the years; a year without figures is a gap.
  var courbes = donnees.courbes;
  if (courbes.series.length && courbes.annees.length) {
    montrer("courbes");
    new Chart(document.getElementById("graphique-courbes"), {
      type: "line",
      data: {
        labels: courbes.annees.map(String),
        datasets: courbes.series.map(function (serie) {
          return { label: serie.nom, data: nombres(serie.valeurs), spanGaps: false };
        }),
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { ticks: { callback: graduation } } },
        plugins: {
          legend: { display: courbes.series.length <= 12, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (contexte) {
                return courbes.series[contexte.datasetIndex].nom + " : " +
                  courbes.series[contexte.datasetIndex].textes[contexte.dataIndex];
              },
            },
          },
        },
      },
    });
  }
})();
