# zoom.gp - a scenario event up close: load and demand, every policy's
# serving instances, and every policy's p95 against the SLO.
load dir.'common.gp'
set xrange [xmin:xmax]
set multiplot layout 3,1 title chart_title noenhanced font ',12'
set format x ''
set xlabel ''
set ylabel 'offered load (req/s)'
set yrange [0:*]
eval label_events
plot pol_data[1] using 1:2 with lines lc rgb '#555555' lw 1.5 title 'offered load'
unset label
set ylabel 'instances serving'
plot pol_data[1] using 1:3 with steps lc rgb 'black' dt 2 lw 1.5 title 'demand', \
     for [i=1:n_policies] pol_data[i] using 1:4 with steps lc rgb colour(i) lw 2 title pol_name[i] noenhanced
eval xaxis
set ylabel 'p95 latency (ms)'
plot for [i=1:n_policies] pol_data[i] using 1:11 with lines lc rgb colour(i) lw 1.5 title pol_name[i] noenhanced, \
     pol_data[1] using 1:(slo_p95) with lines dt 2 lw 2 lc rgb 'red' title sprintf('SLO p95 %g ms', slo_p95)
unset multiplot
