#if TensorBoard   // the writer is built only with the package trait TensorBoard (`make test` enables it)
import Foundation
import Testing
@testable import LatentTensorBoard

/// CRC-32C against the test vectors of RFC 3720 (iSCSI), appendix B.4, and the usual "123456789".
@Suite struct CRC32CTests {
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        // An iSCSI read command PDU (the RFC's fifth vector).
        let pdu: [UInt8] = [0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
                            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(CRC32C.checksum(pdu) == 0xD9963A56)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func checksumsContinueAcrossChunks() {
        let bytes = Array("the quick brown fox".utf8)
        #expect(CRC32C.checksum(bytes[7...], continuing: CRC32C.checksum(bytes[..<7])) == CRC32C.checksum(bytes))
    }

    /// The mask is TensorFlow's: rotate right by 15 bits, add 0xa282ead8.
    @Test func maskRotatesAndAddsTheConstant() {
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(1 << 15) == 0xA282_EAD9)
        #expect(CRC32C.masked(1) == 0xA282_EAD8 &+ (1 << 17))
    }
}
#endif
