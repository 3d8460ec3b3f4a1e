/** The plots: thin components over pure figure builders (src/plots/model). */
export { LossCurve, type LossCurveProps } from './LossCurve';
export { AlignUniformPlane, type AlignUniformPlaneProps } from './AlignUniformPlane';
export { MetricsOverTime, type MetricsOverTimeProps } from './MetricsOverTime';
export { EmbeddingPlot, type EmbeddingPlotProps } from './EmbeddingPlot';
export { SimilarityHistograms, type SimilarityHistogramsProps } from './SimilarityHistograms';
export { WeightHeatmap, type WeightHeatmapProps } from './WeightHeatmap';
export { ExportButtons } from './ExportButtons';
export { usePlotly, type PlotlyHandlers, type UsePlotlyOptions } from './usePlotly';
export { setGlobalPlotInterval, setOffscreenGating } from './scheduler';
export type { LossSeries, LossPoint } from './model/lossCurve';
export type { HistorySeries } from './model/alignUniform';
export * from './palette';
export * from './export';
