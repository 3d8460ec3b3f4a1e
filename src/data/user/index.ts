export { userFeaturesDataset } from './features';
export { userImagesDataset } from './images';
