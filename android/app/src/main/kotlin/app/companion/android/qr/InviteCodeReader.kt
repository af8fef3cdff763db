// Reads the clinician's invite from a camera frame with ZXing core: the frame's luminance
// plane (CameraX ImageAnalysis gives YUV_420_888; its Y plane is this), cropped to the
// square in the middle of the frame where the person holds the code. Returns the code's text
// as it is; the core decides whether it is an invite (SharingAction.Scanned).
//
// Plain Kotlin with no Android imports: tested on the JVM with codes ZXing itself draws.
package app.companion.android.qr

import com.google.zxing.BarcodeFormat
import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.NotFoundException
import com.google.zxing.ChecksumException
import com.google.zxing.FormatException
import com.google.zxing.PlanarYUVLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader

class InviteCodeReader {
    private val reader = QRCodeReader()
    private val hints = mapOf(
        DecodeHintType.POSSIBLE_FORMATS to listOf(BarcodeFormat.QR_CODE),
        DecodeHintType.TRY_HARDER to true,
        DecodeHintType.CHARACTER_SET to "UTF-8",
    )

    /**
     * The text of a QR code in the frame, or null when none could be read (keep scanning).
     * [luminance] holds [height] rows of [rowStride] bytes, the first [width] of each used.
     */
    fun read(luminance: ByteArray, width: Int, height: Int, rowStride: Int = width): String? {
        if (width <= 0 || height <= 0 || rowStride < width || luminance.size < rowStride * (height - 1) + width) {
            return null
        }
        val side = minOf(width, height) * 9 / 10
        val source = PlanarYUVLuminanceSource(
            luminance, rowStride, height, (width - side) / 2, (height - side) / 2, side, side, false,
        )
        return try {
            reader.decode(BinaryBitmap(HybridBinarizer(source)), hints).text
        } catch (e: NotFoundException) {
            null
        } catch (e: ChecksumException) {
            null
        } catch (e: FormatException) {
            null
        } finally {
            reader.reset()
        }
    }
}
