// Insights (as Android's InsightsScreen.kt). Rendering only.
import Companion
import SwiftUI

struct InsightsScreen: View {
    let v: InsightsView
    let send: Send
    var body: some View {
        ScreenColumn {
            HStack {
                ForEach(v.ranges, id: \.label) { r in
                    Button(r.label) { send(.insights(action: .range(range: r.range))) }
                        .buttonStyle(.bordered).tint(r.selected ? .accentColor : .gray)
                }
            }
            if let empty = v.emptyText { Paragraph(empty) }
            if let problem = v.problem { Hint(problem) }
            ForEach(v.highlights, id: \.self) { Paragraph($0) }
            ForEach(v.series, id: \.title) { SeriesChart(series: $0) }
            HeatmapView(map: v.heatmap)
        }
    }
}
