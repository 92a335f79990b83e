# common.gp - what every chart shares: margins, grid, the time axis, and
# the scenario's events shaded behind the data (labelled when there are
# few enough to read). Loaded by the other templates.
set lmargin 12
set rmargin 14
set grid lc rgb '#dddddd'
set border lc rgb '#555555'
set key outside top center horizontal Left reverse samplen 2 font ',9' noopaque nobox
eval xaxis
do for [i=1:n_events] {
    set object i rect from first ev_start[i], graph 0 to first ev_end[i], graph 1 \
        behind fc rgb '#f5c77e' fs transparent solid 0.35 noborder
}
# labels for the events: call label_events() before a panel's plot,
# unset label after it
label_events = 'if (n_events <= 12) { do for [i=1:n_events] { set label 100+i ev_name[i] at first ev_start[i], graph 0.97 left front font ",8" tc rgb "#8a5a00" offset 0.4,0 noenhanced } }'
# the policies' colours, the same in every chart
array colours[8] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2']
colour(i) = colours[(i - 1) % 8 + 1]
