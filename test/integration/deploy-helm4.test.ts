/** The helm strategy with real Helm 4 (the suite: deploy-helm-suite.ts). */
import { helmStrategySuite } from './deploy-helm-suite.js';

helmStrategySuite(4);
