# timeline.gp - one policy's run (pol_*[k]): load against capacity with
# demand, instances stacked by state with the scaling actions, and latency
# against the SLO; the scenario's events shaded on every panel.
load dir.'common.gp'
set multiplot layout 3,1 title chart_title noenhanced font ',12'
# the time axis is labelled once, under the last panel
set xlabel ''

set ylabel 'instances'
set y2label 'offered load (req/s)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
eval label_events
plot pol_data[k] using 1:2 axes x1y2 with lines lc rgb '#aaaaaa' lw 1 title 'offered load (right axis)', \
     '' using 1:3 with steps lc rgb '#d62728' lw 1.5 dt 2 title 'demand (instances needed)', \
     '' using 1:4 with steps lc rgb '#1f77b4' lw 2 title 'serving (in service + warming)'
unset label
unset y2tics
unset y2label
set ytics mirror

set ylabel 'instances by state'
set style fill solid 0.85 noborder
plot pol_data[k] using 1:20 with filledcurves x1 lc rgb '#7f7f7f' title 'failed', \
     '' using 1:19 with filledcurves x1 lc rgb '#c5b0d5' title 'draining', \
     '' using 1:18 with filledcurves x1 lc rgb '#ff7f0e' title 'pending (booting)', \
     '' using 1:17 with filledcurves x1 lc rgb '#ffdd88' title 'warming', \
     '' using 1:16 with filledcurves x1 lc rgb '#2ca02c' title 'in service', \
     pol_acts[k] using 1:2:($3 > 0 ? 9 : 11) with points pt variable ps 0.6 lc rgb 'black' \
         title 'scaling action (▲ out, ▼ in; desired after)'

eval xaxis
set ylabel 'latency (ms)'
set logscale y
set yrange [*:*]
plot pol_data[k] using 1:10 with lines lc rgb '#9ecae1' lw 1 title 'p50', \
     '' using 1:11 with lines lc rgb '#1f77b4' lw 1.5 title 'p95', \
     '' using 1:12 with lines lc rgb '#08306b' lw 1 title 'p99', \
     '' using 1:(slo_p95) with lines dt 2 lw 2 lc rgb 'red' title sprintf('SLO p95 %g ms', slo_p95), \
     '' using 1:(slo_p99) with lines dt 3 lw 2 lc rgb 'red' title sprintf('SLO p99 %g ms', slo_p99)
unset logscale y
unset multiplot
