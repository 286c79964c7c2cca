namespace StorageOperator.KubeEmulator.Tests.Support;

/// <summary>CRD manifests the tests install.</summary>
public static class TestCrds
{
    public const string Group = "test.example.com";
    public const string Version = "v1alpha1";
    public const string Plural = "widgets";

    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.test.example.com
        spec:
          group: test.example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wd]
            categories: [all]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1, maximum: 10}
                      mode: {type: string, enum: [Fast, Slow], default: Fast}
                      name: {type: string, pattern: '^[a-z]+$', maxLength: 8}
                      tags: {type: array, maxItems: 2, items: {type: string, minLength: 2}}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      labels: {type: object, additionalProperties: {type: string}}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string, enum: ["True", "False", "Unknown"]}
                            reason: {type: string}
                            message: {type: string}
                            lastTransitionTime: {type: string, format: date-time}
                            observedGeneration: {type: integer}
        """;

    /// <summary>A trimmed cert-manager Certificate CRD in the shape cert-manager ships (cluster-wide group, printer columns).</summary>
    public const string CertManagerCertificateCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: certificates.cert-manager.io
          labels:
            app.kubernetes.io/name: cert-manager
        spec:
          group: cert-manager.io
          names:
            kind: Certificate
            listKind: CertificateList
            plural: certificates
            shortNames: [cert, certs]
            singular: certificate
            categories: [cert-manager]
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - jsonPath: .status.conditions[?(@.type=="Ready")].status
              name: Ready
              type: string
            - jsonPath: .spec.secretName
              name: Secret
              type: string
            - jsonPath: .spec.issuerRef.name
              name: Issuer
              priority: 1
              type: string
            - jsonPath: .metadata.creationTimestamp
              name: Age
              type: date
            schema:
              openAPIV3Schema:
                type: object
                required: [spec]
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  spec:
                    type: object
                    required: [issuerRef, secretName]
                    properties:
                      commonName: {type: string}
                      dnsNames: {type: array, items: {type: string}}
                      duration: {type: string}
                      isCA: {type: boolean}
                      issuerRef:
                        type: object
                        required: [name]
                        properties:
                          group: {type: string}
                          kind: {type: string}
                          name: {type: string}
                      privateKey:
                        type: object
                        properties:
                          algorithm: {type: string, enum: [RSA, ECDSA, Ed25519]}
                          size: {type: integer}
                      secretName: {type: string}
                      usages:
                        type: array
                        items:
                          type: string
                          enum: [signing, digital signature, key encipherment, server auth, client auth]
                  status:
                    type: object
                    properties:
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [status, type]
                          properties:
                            lastTransitionTime: {type: string, format: date-time}
                            message: {type: string}
                            observedGeneration: {type: integer, format: int64}
                            reason: {type: string}
                            status: {type: string, enum: ["True", "False", "Unknown"]}
                            type: {type: string}
                      notAfter: {type: string, format: date-time}
                      revision: {type: integer}
        """;
}
